using System;

namespace UcSocket;

/// <summary>The per-thread error record (ucode keeps one for the module): set by a failing call, cleared by a succeeding one.</summary>
internal static class Errors
{
    [ThreadStatic]
    private static ErrorInfo? t_last;

    public static ErrorInfo? Last => t_last;

    public static void Clear() => t_last = null;

    public static void Set(ErrorInfo error) => t_last = error;

    public static void Set(int code, string context) => t_last = new ErrorInfo(code, context);

    /// <summary>Records an error and returns null: the usual tail of a failing call.</summary>
    public static T? Fail<T>(ErrorInfo error) where T : class
    {
        t_last = error;
        return null;
    }

    /// <summary>ucode's <c>error(numeric)</c>: the message, or the code, or null.</summary>
    public static object? Describe(bool numeric) => t_last is { } e ? (numeric ? e.Code : e.Message) : null;
}

/// <summary>
/// Thrown by the throwing helpers (<see cref="SocketHandleExtensions"/>) for idiomatic callers; carries the
/// errno (or negative EAI_* code) and ucode's message.
/// </summary>
public sealed class UcSocketException : Exception
{
    /// <summary>Creates the exception from an error record.</summary>
    public UcSocketException(ErrorInfo error) : base(error.Message) => Error = error;

    /// <summary>The recorded error.</summary>
    public ErrorInfo Error { get; }

    /// <summary>errno, or a negative EAI_* code.</summary>
    public int Code => Error.Code;
}
