using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace UcSocket;

/// <summary>Decodes a control buffer the kernel filled into the ucode-style <see cref="ControlMessage"/> list.</summary>
internal static class ControlMessageDecoder
{
    /// <summary>
    /// Decodes a control buffer the kernel filled (exactly the <c>msg_controllen</c> bytes it reported). First
    /// every received descriptor is put under an owning handle (appended to <paramref name="owned"/>), before
    /// anything else can fail (<see cref="ReceivedDescriptors.Own"/>); then each message is decoded through the
    /// registry. On an exception the caller disposes <paramref name="owned"/>.
    /// </summary>
    /// <param name="control">The control bytes.</param>
    /// <param name="truncated">True when the kernel reported MSG_CTRUNC: a last message reaching the end of the
    /// buffer may then be cut short, and is returned as raw bytes unless its whole value arrived.</param>
    /// <param name="owned">Receives the handles of all descriptors found.</param>
    public static List<ControlMessage> Decode(ReadOnlySpan<byte> control, bool truncated, List<SafeHandle> owned)
    {
        var received = ReceivedDescriptors.Own(control, owned);
        var result = new List<ControlMessage>();
        int next = 0;
        int offset = 0;
        while (CmsgLayout.TryNext(control, ref offset, out int level, out int type, out var payload, out bool reachesEnd))
        {
            if (ReceivedDescriptors.Carries(level, type))
            {
                SpecRegistry.TryGetControlMessage(level, type, out var carrier);
                result.Add(new ControlMessage(carrier!, received[next++]));
                continue;
            }
            result.Add(DecodeOne(level, type, payload, truncated && reachesEnd));
        }
        return result;
    }

    private static ControlMessage DecodeOne(int level, int type, ReadOnlySpan<byte> payload, bool mayBeCut)
    {
        if (!SpecRegistry.TryGetControlMessage(level, type, out var descriptor))
            return new ControlMessage(level, type, payload.ToArray());
        // The kernel cuts the last message short when the buffer is too small (MSG_CTRUNC) and leaves cmsg_len at
        // what fitted: a value that needs more bytes than arrived is given as raw bytes, never padded with zeros.
        if (mayBeCut && payload.Length < descriptor.FixedSize)
            return new ControlMessage(descriptor, payload.ToArray());
        if (!descriptor.TryDecodeUcode(payload, out var data, out _))
            return new ControlMessage(descriptor, payload.ToArray());
        return new ControlMessage(descriptor, data);
    }
}
