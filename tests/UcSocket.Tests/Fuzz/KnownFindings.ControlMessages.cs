namespace UcSocket.Tests.Fuzz;

internal static partial class KnownFindings
{
    /// <summary>
    /// Cmsg.ScmRights / Cmsg.ScmPidfd / SockOpt.SoPeerpidfd decoders wrap the numbers of caller bytes in owning handles
    /// (FindingsControlMessages.DecodersOwnCallerBytes). The properties disarm those handles before anything can close them.
    /// </summary>
    public const bool DecoderOwnsCallerBytes = true;

    /// <summary>
    /// ControlBuffer.TryGet / ControlMessageView.TryGet decode a message the kernel cut short (MSG_CTRUNC) as a value
    /// padded with zeros (FindingsControlMessages.CutMessageInPlace).
    /// </summary>
    public static bool CutMessageDecodes(bool controlTruncated, int payloadLength) => controlTruncated;

    /// <summary>
    /// ControlBuffer.TryAdd&lt;T&gt; of a value that does not encode returns false but keeps the reserved space, a slot with
    /// cmsg_len 0 that ends every walk (FindingsControlMessages.RefusedTypedAddLeavesASlot).
    /// </summary>
    public const bool RefusedTypedAddLeavesASlot = true;

    /// <summary>ControlBuffer.SpaceFor of a length whose CMSG_SPACE exceeds int.MaxValue wraps to a negative number (FindingsControlMessages.SpaceForOverflows).</summary>
    public const bool SpaceForOverflows = true;
}
