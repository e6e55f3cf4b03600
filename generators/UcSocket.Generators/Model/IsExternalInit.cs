namespace System.Runtime.CompilerServices;

// netstandard2.0 lacks this marker type that init-only setters (records) need.
internal static class IsExternalInit
{
}
