namespace System.Runtime.CompilerServices;

// Language features the compiler needs types for that netstandard2.0 lacks: init accessors (records) and
// interpolated string handlers.
internal static class IsExternalInit { }

[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
internal sealed class InterpolatedStringHandlerAttribute : Attribute { }
