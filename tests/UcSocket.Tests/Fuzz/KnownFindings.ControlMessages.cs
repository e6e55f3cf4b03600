namespace UcSocket.Tests.Fuzz;

internal static partial class KnownFindings
{
    /// <summary>
    /// ControlBuffer.TryAdd&lt;T&gt; of a value that does not encode returns false but keeps the reserved space, a slot with
    /// cmsg_len 0 that ends every walk (FindingsControlMessages.RefusedTypedAddLeavesASlot).
    /// </summary>
    public const bool RefusedTypedAddLeavesASlot = true;
}
