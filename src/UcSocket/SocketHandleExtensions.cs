namespace UcSocket;

/// <summary>Throwing helpers for callers who prefer exceptions to null checks: <c>s.Bind("127.0.0.1:0").OrThrow()</c>.</summary>
public static class SocketHandleExtensions
{
    /// <summary>Returns <paramref name="result"/>, or throws <see cref="UcSocketException"/> with the recorded error when it is null.</summary>
    public static T OrThrow<T>(this T? result) where T : class => result ?? throw Current();

    /// <summary>Returns true, or throws <see cref="UcSocketException"/> with the recorded error when <paramref name="result"/> is null.</summary>
    public static bool OrThrow(this bool? result) => result ?? throw Current();

    /// <summary>Returns the number, or throws <see cref="UcSocketException"/> with the recorded error when <paramref name="result"/> is null.</summary>
    public static long OrThrow(this long? result) => result ?? throw Current();

    /// <summary>Returns the number, or throws <see cref="UcSocketException"/> with the recorded error when <paramref name="result"/> is null.</summary>
    public static int OrThrow(this int? result) => result ?? throw Current();

    private static UcSocketException Current() => new(Errors.Last ?? new ErrorInfo(0, "Unknown error"));
}
