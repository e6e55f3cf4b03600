using System;
using System.Buffers;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using UcSocket.Marshalling;
using UcSocket.Native;

using static UcSocket.Native.Errno;

namespace UcSocket;

public sealed partial class SocketHandle
{
    private const int DefaultReceiveSize = 4096;
    private const int StackIovecs = 8;

    /// <summary>
    /// Sends a message (ucode's <c>sendmsg(data, ancillaryData, address, flags)</c>): several buffers gathered
    /// into one message, control messages, and an optional destination. Returns the number of bytes sent, or
    /// null on error (<c>"sendmsg(): &lt;strerror&gt;"</c>, or a conversion error naming the item or field).
    /// </summary>
    /// <param name="data">
    /// Null (send only ancillary data and address), a <c>string</c> (sent as UTF-8), a <c>byte[]</c>
    /// (or <see cref="ReadOnlyMemory{T}"/> of bytes), or an array of items: each item its own <c>struct iovec</c>,
    /// all sent as one message (a null item is an empty one). Other values are sent as ucode converts them to a
    /// string: numbers and bools as their text, a dictionary (or an array inside the array) as JSON with ucode's
    /// spacing (<c>{ "a": 1 }</c>); another kind of object is an EINVAL error naming its type.
    /// </param>
    /// <param name="ancillary">
    /// Null, a list of <see cref="ControlMessage"/> (or ucode-style dictionaries <c>{ level, type, data }</c>), each
    /// encoded through the codec the registry has for its (level, type) (a <c>byte[]</c> data is passed as the
    /// raw payload), or a <c>byte[]</c> passed untouched as the whole control buffer (where ucode takes a string).
    /// Descriptors sent in <c>SCM_RIGHTS</c> (SafeHandles, <see cref="SocketHandle"/>s, FileStreams or numbers)
    /// are kept open until the call returns.
    /// </param>
    /// <param name="address">
    /// The destination, in any form <see cref="AddressConversion"/> accepts (<c>"127.0.0.1:53"</c>, a dictionary,
    /// a <see cref="SocketAddress"/>, ...). An address that does not convert is an error; ucode ignores it and
    /// sends without one.
    /// </param>
    /// <param name="flags">Bitwise-or of <c>MSG_*</c> flags.</param>
    /// <remarks>
    /// The control buffer is laid out as cmsg(3) says, each message <c>CMSG_SPACE(payload)</c> long and the
    /// buffer as long as their sum. ucode computes the final <c>msg_controllen</c> with <c>CMSG_SPACE</c> of a
    /// length that already includes the header, so it hands the kernel a length past its buffer and its
    /// <c>SCM_RIGHTS</c> sends fail with EINVAL; here they work.
    /// </remarks>
    public unsafe long? SendMsg(object? data = null, object? ancillary = null, object? address = null, int flags = 0)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        List<SafeHandle>? held = null;
        MemoryHandle[]? pins = null;
        int pinned = 0;
        try
        {
            if (!TryGatherData(data, out var segments, out var error)) return FailCount(error);

            byte[] control = Array.Empty<byte>();
            int controlLength = 0;
            if (ancillary is not null)
            {
                held = new List<SafeHandle>();
                if (!ControlMessageEncoder.TryEncode(ancillary, held, out control, out controlLength, out error)) return FailCount(error);
            }

            Span<byte> name = stackalloc byte[Sockaddr.StorageSize];
            int nameLength = 0;
            if (address is not null && !Sockaddr.TryEncode(address, name, out nameLength, out error)) return FailCount(error);

            Span<IoVec> iov = segments.Length <= StackIovecs ? stackalloc IoVec[StackIovecs] : new IoVec[segments.Length];
            pins = new MemoryHandle[segments.Length];
            for (; pinned < segments.Length; pinned++)
            {
                pins[pinned] = segments[pinned].Pin();
                iov[pinned] = new IoVec { Base = pins[pinned].Pointer, Length = (nuint)segments[pinned].Length };
            }

            long sent;
            fixed (byte* pName = name)
            fixed (byte* pControl = control)
            fixed (IoVec* pIov = iov)
            {
                var msg = MsgHdr.Of(pName, nameLength, pIov, segments.Length, pControl, controlLength);
                sent = SendMessage(call, &msg, flags);
            }
            if (sent < 0) return FailCount(sent, "sendmsg()");
            Errors.Clear();
            return sent;
        }
        finally
        {
            for (int i = 0; i < pinned; i++) pins![i].Dispose();
            if (held is not null)
                foreach (var h in held) h.DangerousRelease();
        }
    }

    /// <summary>
    /// Receives a message (ucode's <c>recvmsg(sizes, ancillarySize, flags)</c>): data scattered into one or more
    /// buffers, control messages, and the sender's address. Null on error (<c>"recvmsg(): &lt;strerror&gt;"</c>,
    /// or <c>"Invalid length value"</c> / <c>"Invalid ancillary data length"</c> for bad arguments).
    /// </summary>
    /// <param name="sizes">
    /// A number (one buffer of that size; default 4096) or an array of numbers (one buffer per size, filled in
    /// order). ucode receives into an empty buffer when this is left out.
    /// </param>
    /// <param name="ancillarySize">
    /// The size of the control buffer; 0 receives no control messages (and <see cref="ReceivedMessage.Ancillary"/>
    /// is null). Capped at <c>/proc/sys/net/core/optmem_max</c>, as ucode does; what does not fit is reported as
    /// <c>MSG_CTRUNC</c>.
    /// </param>
    /// <param name="flags">Bitwise-or of <c>MSG_*</c> flags, e.g. <c>MSG_PEEK | MSG_TRUNC</c>.</param>
    /// <remarks>
    /// <c>MSG_CMSG_CLOEXEC</c> is always passed, so received descriptors are close-on-exec (packet sockets, on which
    /// no descriptor can arrive, refuse the flag: there the receive is done without it). Every received
    /// descriptor is owned by the returned message (see <see cref="ReceivedMessage"/>), including those of a
    /// truncated control buffer; none is left open on any error path. Control messages are decoded through the
    /// registry; unknown ones, and payloads that do not decode, come back as raw <c>byte[]</c>.
    /// </remarks>
    public unsafe ReceivedMessage? RecvMsg(object? sizes = null, int ancillarySize = 0, int flags = 0)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        if (!TryParseSizes(sizes, out var sizeList, out bool multiple, out long total, out var error))
            return Errors.Fail<ReceivedMessage>(error);
        if (ancillarySize < 0)
            return Errors.Fail<ReceivedMessage>(new ErrorInfo(ERANGE, "Invalid ancillary data length"));
        int controlSize = Math.Min(ancillarySize, OptMemMax);

        byte[] data = total > 0 ? ArrayPool<byte>.Shared.Rent((int)total) : Array.Empty<byte>();
        byte[] control = controlSize > 0 ? ArrayPool<byte>.Shared.Rent(controlSize) : Array.Empty<byte>();
        try
        {
            Span<IoVec> iov = sizeList.Length <= StackIovecs ? stackalloc IoVec[StackIovecs] : new IoVec[sizeList.Length];
            Span<byte> name = stackalloc byte[Sockaddr.StorageSize];
            var owned = new List<SafeHandle>(); // allocated before the syscall: nothing may fail between it and owning descriptors
            long received;
            MsgHdr msg;
            fixed (byte* pData = data)
            fixed (byte* pControl = control)
            fixed (byte* pName = name)
            fixed (IoVec* pIov = iov)
            {
                long offset = 0;
                for (int i = 0; i < sizeList.Length; i++)
                {
                    pIov[i] = new IoVec { Base = pData + offset, Length = (nuint)sizeList[i] };
                    offset += sizeList[i];
                }
                msg = MsgHdr.Of(pName, name.Length, pIov, sizeList.Length, pControl, controlSize);
                received = ReceiveMessage(call, &msg, flags);
            }
            if (received < 0) return Errors.Fail<ReceivedMessage>(new ErrorInfo((int)-received, "recvmsg()"));
            int nameLength = (int)Math.Min(msg.NameLength, (uint)name.Length);
            int controlLength = (int)Math.Min(msg.ControlLength, (nuint)controlSize);

            // From here on the kernel has installed any descriptors it passed: own them before anything else.
            try
            {
                IReadOnlyList<ControlMessage>? ancillary = null;
                if (controlSize > 0)
                    ancillary = ControlMessageDecoder.Decode(control.AsSpan(0, controlLength), (msg.Flags & Sockets.MSG_CTRUNC) != 0, owned);
                else if (controlLength > 0)
                    ReceivedDescriptors.Own(control.AsSpan(0, controlLength), owned);

                SocketAddress? address = nameLength > 0 ? Sockaddr.Decode(name[..nameLength]) : null;

                var buffers = new byte[sizeList.Length][];
                long left = Math.Min(received, total);
                int start = 0;
                for (int i = 0; i < sizeList.Length; i++)
                {
                    int n = (int)Math.Min(left, sizeList[i]);
                    buffers[i] = data.AsSpan(start, n).ToArray();
                    left -= n;
                    start += sizeList[i];
                }
                object result = multiple ? buffers : buffers[0];
                Errors.Clear();
                return new ReceivedMessage(ResultFlags(msg.Flags, flags), received, address, result, buffers, ancillary, owned);
            }
            catch
            {
                foreach (var h in owned) h.Dispose();
                throw;
            }
        }
        finally
        {
            if (data.Length > 0) ArrayPool<byte>.Shared.Return(data);
            if (control.Length > 0) ArrayPool<byte>.Shared.Return(control);
        }
    }

    /// <summary>
    /// The data argument of sendmsg as iovec segments, as ucode makes them: an array gives one segment per item, any
    /// other value one segment; bytes and strings go as they are, null items as empty segments, and other values
    /// as ucode's text of them (numbers, bools, JSON for dictionaries and nested arrays).
    /// </summary>
    private static bool TryGatherData(object? data, out ReadOnlyMemory<byte>[] segments, out ErrorInfo error)
    {
        segments = Array.Empty<ReadOnlyMemory<byte>>();
        error = default;
        if (data is null) return true;
        if (UcodeText.IsRaw(data) || data is IDictionary || UcodeValue.TryAsFields(data, out _, out _) || data is not IEnumerable items)
        {
            if (!TrySegment(data, out var single, out error)) return false;
            segments = new[] { single };
            return true;
        }
        var list = new List<ReadOnlyMemory<byte>>();
        foreach (var item in items)
        {
            if (item is null) list.Add(ReadOnlyMemory<byte>.Empty);
            else if (TrySegment(item, out var bytes, out error)) list.Add(bytes);
            else
            {
                error = ErrorInfo.Invalid(string.Create(CultureInfo.InvariantCulture, $"Data item {list.Count}: {error.Context}"));
                return false;
            }
        }
        segments = list.ToArray();
        return true;
    }

    /// <summary>One segment: bytes as they are, text as UTF-8, anything else as ucode's text of it.</summary>
    private static bool TrySegment(object value, out ReadOnlyMemory<byte> bytes, out ErrorInfo error)
    {
        error = default;
        switch (value)
        {
            case byte[] b: bytes = b; return true;
            case ReadOnlyMemory<byte> m: bytes = m; return true;
            case Memory<byte> m2: bytes = m2; return true;
            case ArraySegment<byte> s: bytes = s; return true;
            case string text: bytes = Encoding.UTF8.GetBytes(text); return true;
        }
        var writer = new ArrayBufferWriter<byte>(32);
        if (!UcodeText.TryWrite(value, writer, out error))
        {
            bytes = default;
            return false;
        }
        bytes = writer.WrittenMemory;
        return true;
    }

    /// <summary>The sizes argument of recvmsg: a number, or an array of numbers.</summary>
    private static bool TryParseSizes(object? sizes, out int[] list, out bool multiple, out long total, out ErrorInfo error)
    {
        list = Array.Empty<int>();
        multiple = false;
        total = 0;
        error = default;
        if (sizes is null)
        {
            list = new[] { DefaultReceiveSize };
            total = DefaultReceiveSize;
            return true;
        }
        if (sizes is IEnumerable items and not string)
        {
            multiple = true;
            var result = new List<int>();
            int index = 0;
            foreach (var item in items)
            {
                if (!TrySize(item, string.Create(CultureInfo.InvariantCulture, $"sizes[{index}]"), out int size, out error)) return false;
                result.Add(size);
                total += size;
                index++;
            }
            list = result.ToArray();
        }
        else
        {
            if (!TrySize(sizes, "sizes", out int size, out error)) return false;
            list = new[] { size };
            total = size;
        }
        if (total > Array.MaxLength)
        {
            error = new ErrorInfo(ERANGE, string.Create(CultureInfo.InvariantCulture, $"Invalid length value (sizes add up to {total} bytes)"));
            return false;
        }
        return true;
    }

    private static bool TrySize(object? value, string what, out int size, out ErrorInfo error)
    {
        size = 0;
        error = default;
        if (!UcodeValue.TryToInt64(value, out long l))
        {
            error = ErrorInfo.Invalid($"Invalid length value ({what} is {UcodeValue.Describe(value)})");
            return false;
        }
        if (l < 0 || l > Array.MaxLength)
        {
            error = new ErrorInfo(ERANGE, string.Create(CultureInfo.InvariantCulture, $"Invalid length value ({what} is {l})"));
            return false;
        }
        size = (int)l;
        return true;
    }

    private static int s_optMemMax;

    /// <summary>/proc/sys/net/core/optmem_max, read once (int.MaxValue when unreadable).</summary>
    private static int OptMemMax
    {
        get
        {
            int v = s_optMemMax;
            if (v > 0) return v;
            v = int.MaxValue;
            try
            {
                var text = File.ReadAllText("/proc/sys/net/core/optmem_max").Trim();
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int max) && max > 0) v = max;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            s_optMemMax = v;
            return v;
        }
    }
}
