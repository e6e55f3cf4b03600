namespace UcSocket;

// ucode's sock.getopt() and sock.setopt(): options by (level, option) number, values in the ucode form.
public sealed partial class SocketHandle
{
    /// <summary>
    /// Reads an option the ucode way: the value is a bool, int, string, byte[] or dictionary, as the spec says
    /// for that (level, option). Null on error: an unknown pair is "Unknown socket level or option" (EINVAL),
    /// a write-only option "Socket option is write only" (EOPNOTSUPP).
    /// </summary>
    public object? GetOpt(int level, int option)
    {
        // The socket context is checked first, as ucode does: a closed handle is EBADF whatever the arguments.
        using var call = Enter();
        if (!call.IsOpen) return null;
        if (!SpecRegistry.TryGetOption(level, option, out var descriptor))
            return Errors.Fail<object>(new ErrorInfo(ErrorInfo.EINVAL, "Unknown socket level or option"));
        if (!descriptor.CanGet) return Errors.Fail<object>(SocketOption.WriteOnlyError);
        if (!descriptor.TryGetUcode(call.Fd, out var value, out var error)) return Errors.Fail<object>(error);
        Errors.Clear();
        return value;
    }

    /// <summary>
    /// Sets an option the ucode way from a bool, number, string, byte[] or dictionary with ucode's field names.
    /// True, or null on error; a field that does not convert is an EINVAL error that names it.
    /// </summary>
    public bool? SetOpt(int level, int option, object? value)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        if (!SpecRegistry.TryGetOption(level, option, out var descriptor))
            return Fail(new ErrorInfo(ErrorInfo.EINVAL, "Unknown socket level or option"));
        if (!descriptor.CanSet) return Fail(SocketOption.ReadOnlyError);
        if (!descriptor.TrySetUcode(call.Fd, value, out var error)) return Fail(error);
        Errors.Clear();
        return true;
    }
}
