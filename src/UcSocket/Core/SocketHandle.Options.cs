using System.Diagnostics.CodeAnalysis;
using System;

namespace UcSocket;

// Typed socket options: generated SockOpt.* descriptors and their values, without allocating for fixed-size values.
// The overloads taking the descriptor classes (what SockOpt.* are) bind directly, without interface calls; a value
// whose memory is the option's bytes goes to and from the kernel as it is (TypedSocketOption.TryGet/TrySet).
public sealed partial class SocketHandle
{
    /// <summary>Reads a typed option, e.g. <c>GetOpt(SockOpt.TcpInfo)</c>; null on error.</summary>
    public T? GetOpt<T>(IReadableOption<T> option) where T : struct => TryGetOpt(option, out T value) ? value : null;

    /// <summary>Reads a typed option, e.g. <c>GetOpt(SockOpt.SoLinger)</c>; null on error.</summary>
    public T? GetOpt<T, TSet>(SocketOption<T, TSet> option) where T : struct => TryGetOpt(option, out T value) ? value : null;

    /// <summary>Reads a typed read-only option, e.g. <c>GetOpt(SockOpt.TcpInfo)</c>; null on error.</summary>
    public T? GetOpt<T>(ReadOnlySocketOption<T> option) where T : struct => TryGetOpt(option, out T value) ? value : null;

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
        switch (option)
        {
            case TypedSocketOption<T, T> same: return TryGetTyped(same, out value);
            case ReadOnlySocketOption<T> readOnly: return TryGetTyped(readOnly, out value);
        }
        value = default!;
        if (option is null)
        {
            Errors.Set(ErrorInfo.Invalid("Invalid option argument (null)"));
            return false;
        }
        using var call = Enter();
        if (!call.IsOpen) return false;
        return Finish(OptionIO.TryGet(call.Fd, option.Level, option.Option, option.GetCodec, out value, out var error), error);
    }

    /// <summary>Reads a typed option; false on error (see <see cref="Error()"/>). Allocates nothing for fixed-size values.</summary>
    public bool TryGetOpt<T, TSet>(SocketOption<T, TSet> option, [MaybeNullWhen(false)] out T value) => TryGetTyped(option, out value);

    /// <summary>Reads a typed read-only option; false on error (see <see cref="Error()"/>). Allocates nothing for fixed-size values.</summary>
    public bool TryGetOpt<T>(ReadOnlySocketOption<T> option, [MaybeNullWhen(false)] out T value) => TryGetTyped(option, out value);

    /// <summary>Sets a typed option, e.g. <c>SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 5))</c>; true, or null on error.</summary>
    public bool? SetOpt<T>(IWritableOption<T> option, T value)
    {
        switch (option)
        {
            case TypedSocketOption<T, T> same: return SetTyped(same, value);
            case WriteOnlySocketOption<T> writeOnly: return SetTyped(writeOnly, value);
        }
        if (option is null) return Fail(ErrorInfo.Invalid("Invalid option argument (null)"));
        using var call = Enter();
        if (!call.IsOpen) return null;
        return Finish(OptionIO.TrySet(call.Fd, option.Level, option.Option, option.SetCodec, value, out var error), error) ? true : null;
    }

    /// <summary>Sets a typed option, e.g. <c>SetOpt(SockOpt.SoRcvBuf, 65536)</c>; true, or null on error.</summary>
    public bool? SetOpt<TGet, T>(SocketOption<TGet, T> option, T value) => SetTyped(option, value);

    /// <summary>Sets a typed write-only option, e.g. <c>SetOpt(SockOpt.IpAddMembership, new IpMreqn(...))</c>; true, or null on error.</summary>
    public bool? SetOpt<T>(WriteOnlySocketOption<T> option, T value) => SetTyped(option, value);

    private bool TryGetTyped<T, TSet>(TypedSocketOption<T, TSet> option, [MaybeNullWhen(false)] out T value)
    {
        value = default!;
        if (option is null || !option.CanGet)
        {
            Errors.Set(option is null ? ErrorInfo.Invalid("Invalid option argument (null)") : SocketOption.WriteOnlyError);
            return false;
        }
        using var call = Enter();
        if (!call.IsOpen) return false;
        return Finish(option.TryGet(call.Fd, out value, out var error), error);
    }

    private bool? SetTyped<TGet, T>(TypedSocketOption<TGet, T> option, T value)
    {
        if (option is null || !option.CanSet)
            return Fail(option is null ? ErrorInfo.Invalid("Invalid option argument (null)") : SocketOption.ReadOnlyError);
        using var call = Enter();
        if (!call.IsOpen) return null;
        return Finish(option.TrySet(call.Fd, value, out var error), error) ? true : null;
    }

    /// <summary>Records the error of a failed call, or clears the record; returns <paramref name="ok"/>.</summary>
    private static bool Finish(bool ok, in ErrorInfo error)
    {
        if (ok) Errors.Clear();
        else Errors.Set(error);
        return ok;
    }
}
