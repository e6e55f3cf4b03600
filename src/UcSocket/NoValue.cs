namespace UcSocket;

/// <summary>The value of an option that carries none (e.g. <c>SO_DETACH_FILTER</c>): nothing is passed to the kernel.</summary>
public readonly record struct NoValue;
