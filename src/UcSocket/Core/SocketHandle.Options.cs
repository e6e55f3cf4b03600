using System.Diagnostics.CodeAnalysis;
using System;

namespace UcSocket;

// Typed socket options: generated SockOpt.* descriptors and their values, without allocating for fixed-size values.
public sealed partial class SocketHandle
{
    /// <summary>Reads a typed option, e.g. <c>GetOpt(SockOpt.TcpInfo)</c>; null on error.</summary>
    public T? GetOpt<T>(IReadableOption<T> option) where T : struct => TryGetOpt(option, out T value) ? value : null;

    /// <summary>Reads a typed option whose value is a string (e.g. <c>SockOpt.TcpCongestion</c>); null on error.</summary>
    public string? GetOpt(IReadableOption<string> option) => TryGetOpt(option, out string? value) ? value : null;

    /// <summary>Reads a typed option whose value is bytes; null on error.</summary>
    public byte[]? GetOpt(IReadableOption<byte[]> option) => TryGetOpt(option, out byte[]? value) ? value : null;

    /// <summary>Reads a typed option whose value is a list of 32-bit words (e.g. <c>SockOpt.NetlinkListMemberships</c>); null on error.</summary>
    public uint[]? GetOpt(IReadableOption<uint[]> option) => TryGetOpt(option, out uint[]? value) ? value : null;

    /// <summary>
    /// Reads a typed option whose value is descriptors the kernel installs for the read (<c>SockOpt.SoPeerPidfd</c>):
    /// the returned <see cref="FileDescriptors"/> owns them; dispose it. Null on error.
    /// </summary>
    public FileDescriptors? GetOpt(IReadableOption<FileDescriptors> option) => TryGetOpt(option, out FileDescriptors? value) ? value : null;

    /// <summary>Reads a typed option; false on error (see <see cref="Error()"/>). Allocates nothing for fixed-size values.</summary>
    public bool TryGetOpt<T>(IReadableOption<T> option, [MaybeNullWhen(false)] out T value)
    {
        value = default!;
        if (option is null)
        {
            Errors.Set(ErrorInfo.Invalid("Invalid option argument (null)"));
            return false;
        }
        using var call = Enter();
        if (!call.IsOpen) return false;
        if (!OptionIO.TryGet(call.Fd, option.Level, option.Option, option.GetCodec, out value, out var error))
        {
            Errors.Set(error);
            return false;
        }
        Errors.Clear();
        return true;
    }

    /// <summary>Sets a typed option, e.g. <c>SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 5))</c>; true, or null on error.</summary>
    public bool? SetOpt<T>(IWritableOption<T> option, T value)
    {
        if (option is null) return Fail(ErrorInfo.Invalid("Invalid option argument (null)"));
        using var call = Enter();
        if (!call.IsOpen) return null;
        if (!OptionIO.TrySet(call.Fd, option.Level, option.Option, option.SetCodec, value, out var error)) return Fail(error);
        Errors.Clear();
        return true;
    }
}
