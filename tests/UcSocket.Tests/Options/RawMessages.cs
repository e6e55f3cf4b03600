using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Tmds.Linux;
using Xunit;

namespace UcSocket.Tests.Options;

/// <summary>One control message as the kernel lays it out.</summary>
internal readonly record struct RawCmsg(int Level, int Type, byte[] Payload);

/// <summary>
/// sendmsg/recvmsg straight through Tmds.LibC, with the control buffer built and parsed by hand from the LP64
/// layout of sys/socket.h: <c>struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; }</c> (16 bytes),
/// data right after it, each message padded to 8 bytes (CMSG_ALIGN).
/// </summary>
internal static unsafe class RawMessages
{
    public const int HeaderSize = 16;
    public const int MSG_CMSG_CLOEXEC = 0x40000000;

    public static int Align(int n) => (n + 7) & ~7;

    public static int Space(int payload) => HeaderSize + Align(payload);

    /// <summary>The control buffer for <paramref name="messages"/>, as CMSG_FIRSTHDR/CMSG_NXTHDR walk it.</summary>
    public static byte[] BuildControl(params RawCmsg[] messages)
    {
        int total = 0;
        foreach (var m in messages) total += Space(m.Payload.Length);
        var control = new byte[total];
        int offset = 0;
        foreach (var m in messages)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(control.AsSpan(offset), (ulong)(HeaderSize + m.Payload.Length));
            BinaryPrimitives.WriteInt32LittleEndian(control.AsSpan(offset + 8), m.Level);
            BinaryPrimitives.WriteInt32LittleEndian(control.AsSpan(offset + 12), m.Type);
            m.Payload.CopyTo(control, offset + HeaderSize);
            offset += Space(m.Payload.Length);
        }
        return control;
    }

    /// <summary>Splits a control buffer of <paramref name="length"/> bytes into its messages.</summary>
    public static List<RawCmsg> ParseControl(ReadOnlySpan<byte> control)
    {
        var result = new List<RawCmsg>();
        int offset = 0;
        while (offset + HeaderSize <= control.Length)
        {
            int len = (int)BinaryPrimitives.ReadUInt64LittleEndian(control[offset..]);
            Assert.InRange(len, HeaderSize, control.Length - offset);
            int level = BinaryPrimitives.ReadInt32LittleEndian(control[(offset + 8)..]);
            int type = BinaryPrimitives.ReadInt32LittleEndian(control[(offset + 12)..]);
            result.Add(new RawCmsg(level, type, control.Slice(offset + HeaderSize, len - HeaderSize).ToArray()));
            offset += Align(len);
        }
        return result;
    }

    /// <summary>sendmsg of <paramref name="data"/> with the given control messages; must send everything.</summary>
    public static void Send(int fd, byte[] data, params RawCmsg[] messages)
    {
        var control = BuildControl(messages);
        fixed (byte* d = data)
        fixed (byte* c = control)
        {
            iovec iov = default;
            iov.iov_base = d;
            iov.iov_len = data.Length;
            msghdr msg = default;
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control.Length == 0 ? null : c;
            msg.msg_controllen = control.Length;
            long sent = LibC.sendmsg(fd, &msg, 0);
            Assert.True(sent == data.Length, $"sendmsg: {sent}, errno {LibC.errno}");
        }
    }

    /// <summary>recvmsg with MSG_CMSG_CLOEXEC; the data, the control messages and msg_flags.</summary>
    public static (byte[] Data, List<RawCmsg> Control, int Flags) Receive(int fd, int controlSize = 256, int dataSize = 256)
    {
        var data = new byte[dataSize];
        var control = new byte[controlSize];
        fixed (byte* d = data)
        fixed (byte* c = control)
        {
            iovec iov = default;
            iov.iov_base = d;
            iov.iov_len = data.Length;
            msghdr msg = default;
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = c;
            msg.msg_controllen = control.Length;
            long n = LibC.recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
            Assert.True(n >= 0, $"recvmsg: errno {LibC.errno}");
            int controlLength = (int)(ulong)msg.msg_controllen;
            return (data[..(int)n], ParseControl(control.AsSpan(0, controlLength)), msg.msg_flags);
        }
    }

    /// <summary>Writes <paramref name="data"/> to a descriptor; must write all of it.</summary>
    public static void Write(int fd, byte[] data)
    {
        fixed (byte* p = data)
            Assert.Equal(data.Length, (long)LibC.write(fd, p, data.Length));
    }

    /// <summary>
    /// Waits up to 10 s for the read end of a pipe to become readable (data, or hang-up once every write end is
    /// closed), then reads: the bytes, or an empty array at end of file.
    /// </summary>
    public static byte[] ReadPipe(int fd, int max = 64)
    {
        pollfd pfd = default;
        pfd.fd = fd;
        pfd.events = 0x001; // POLLIN
        Assert.Equal(1, LibC.poll(&pfd, 1, 10_000));
        var buffer = new byte[max];
        fixed (byte* p = buffer)
        {
            long n = LibC.read(fd, p, buffer.Length);
            Assert.True(n >= 0, $"read: errno {LibC.errno}");
            return buffer[..(int)n];
        }
    }
}
