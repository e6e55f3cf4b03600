using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Tmds.Linux;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Control-message bugs the fuzz properties found, each reduced to its smallest input and kept as a regression test
/// of the behaviour its name states.
/// </summary>
[Collection(Support.DescriptorAccountingCollection.Name)]
public unsafe class FindingsControlMessages
{
    private const int F_DUPFD_CLOEXEC = 1030;

    /// <summary>A descriptor of /dev/null of this test's own, to stand for "some descriptor of the process".</summary>
    private static int Victim()
    {
        using var devNull = File.OpenHandle("/dev/null");
        int fd = LibC.fcntl((int)devNull.DangerousGetHandle(), F_DUPFD_CLOEXEC, 3000);
        Assert.True(fd >= 0);
        return fd;
    }

    private static bool IsOpen(int fd) => LibC.fcntl(fd, 1 /* F_GETFD */) >= 0;

    [Fact]
    public void DecodersNeverOwnCallerBytes()
    {
        // DESIGN: "Decoding bytes a caller gave us never produces an owning handle." An owning SafeHandle of the number
        // in the bytes would close the caller's descriptor when disposed (or at a GC).
        var decoders = new (string Name, Func<byte[], object?> Decode)[]
        {
            ("Cmsg.ScmRights.TryDecode", b => Cmsg.ScmRights.TryDecode(b, out var v, out _) ? v : null),
            ("Cmsg.ScmPidfd.TryDecodeUcode", b => Cmsg.ScmPidfd.TryDecodeUcode(b, out var v, out _) ? v : null),
            ("SockOpt.SoPeerPidfd.GetCodec.TryRead", b => SockOpt.SoPeerPidfd.GetCodec.TryRead(b, out var v, out _) ? v : null),
            ("SocketOption.TryDecodeUcode (SO_PEERPIDFD)", b => SpecRegistry.TryGetOption(SOL_SOCKET, SO_PEERPIDFD, out var o) && o.TryDecodeUcode(b, out var v, out _) ? v : null),
        };
        var failures = new List<string>();
        foreach (var (name, decode) in decoders)
        {
            int fd = Victim();
            try
            {
                if (decode(BitConverter.GetBytes(fd)) is FileDescriptors fds)
                {
                    if (fds.IsOwned) failures.Add($"{name} owns descriptor {fd}");
                    fds.Dispose();
                }
                if (!IsOpen(fd)) failures.Add($"{name}: disposing the result closed descriptor {fd}");
            }
            finally
            {
                LibC.close(fd);
            }
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void CutMessageInPlaceDoesNotDecode()
    {
        // A 24-byte control buffer holds the header and 8 of the 12 bytes of struct ucred (MSG_CTRUNC): TryGet says
        // the message was cut (false) instead of giving a ucred with gid 0.
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            Assert.True(b.SetOpt(SOL_SOCKET, SO_PASSCRED, true));
            var sent = new Ucred(Environment.ProcessId, 1234, 5678); // root may send any uid and gid
            Assert.NotNull(a.SendMsg("x", new[] { ControlMessage.Create(Cmsg.ScmCredentials, sent) }));
            using var control = new ControlBuffer(24);
            var r = b.RecvMsg(new byte[8], control);
            Assert.NotNull(r);
            Assert.True(r.Value.IsControlTruncated);
            bool got = control.TryGet(Cmsg.ScmCredentials, out var creds);
            Assert.False(got, $"a cut SCM_CREDENTIALS decoded as {creds}");
        }
    }

    [Fact]
    public void RefusedTypedAddLeavesTheBufferUnchanged()
    {
        // The sockaddr codec reserves sizeof(struct sockaddr_un) for a UNIX address but writes fewer bytes, so the add
        // is refused ("unable to encode the payload"). The space it looked at must not stay taken: a slot with
        // cmsg_len 0 would end every walk, and a message added afterwards would never be seen.
        using var buffer = new ControlBuffer(512);
        Assert.False(buffer.TryAdd(Cmsg.IpOrigDstAddr, new SocketAddress(AF_UNIX) { Path = "/tmp/x" }));
        Assert.Contains("IP_ORIGDSTADDR", Error());
        Assert.Equal(0, buffer.Length);
        Assert.True(buffer.TryAdd(SOL_SOCKET, SCM_CREDENTIALS, new byte[12]));
        Assert.True(buffer.TryFind(SOL_SOCKET, SCM_CREDENTIALS, out _));
        // The same after a message already in the buffer: it stays, and the next one follows it.
        int length = buffer.Length;
        Assert.False(buffer.TryAdd(Cmsg.IpOrigDstAddr, new SocketAddress(AF_UNIX) { Path = "/tmp/x" }));
        Assert.Equal(length, buffer.Length);
        Assert.True(buffer.TryAdd(SOL_SOCKET, SCM_RIGHTS, new byte[4]));
        int messages = 0;
        foreach (var m in buffer) messages++;
        Assert.Equal(2, messages);
    }

    [Fact]
    public void SpaceForTooLargeForAnIntIsRefused()
    {
        // CMSG_SPACE(int.MaxValue) does not fit an int: an exception, never a negative or short result.
        foreach (int n in new[] { int.MaxValue, int.MaxValue - 16, int.MaxValue - 23 })
        {
            int space;
            try
            {
                space = ControlBuffer.SpaceFor(n);
            }
            catch (ArgumentOutOfRangeException)
            {
                continue;
            }
            Assert.True(space >= n, $"SpaceFor({n}) = {space}");
        }
    }
}
