using System.Runtime.InteropServices;

namespace UcSocket;

/// <summary>
/// An error as ucode records it: a code (positive errno, or negative EAI_* for resolver failures) and the
/// context that failed. The message is <c>"&lt;context&gt;: &lt;strerror text&gt;"</c>, e.g. <c>"bind(): Address already in use"</c>.
/// </summary>
/// <param name="Code">errno, or a negative EAI_* code.</param>
/// <param name="Context">What failed: a syscall (<c>"bind()"</c>) or a validation text (<c>"Invalid port number"</c>).</param>
public readonly record struct ErrorInfo(int Code, string Context)
{
    /// <summary>EINVAL: the usual code of a validation error.</summary>
    public const int EINVAL = 22;

    /// <summary>The full message: context, a colon, and the system's text for the code.</summary>
    public string Message => Context + ": " + Describe(Code);

    /// <summary>An EINVAL validation error with the given context.</summary>
    public static ErrorInfo Invalid(string context) => new(EINVAL, context);

    /// <summary>The system's text for a code: strerror for errno, gai_strerror for negative EAI_* codes.</summary>
    public static string Describe(int code) => code < 0 ? Native.Resolver.GaiStrError(code) : Marshal.GetPInvokeErrorMessage(code);

    /// <inheritdoc/>
    public override string ToString() => Message;
}
