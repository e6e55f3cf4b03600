using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Messages;

[Collection(DescriptorAccountingCollection.Name)]
public sealed class DescriptorPassingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ucsocket-msg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SocketPair SeqPacketPair() => Pair(SOCK_SEQPACKET)!;

    private static FileDescriptors SingleRights(ReceivedMessage msg)
    {
        Assert.NotNull(msg.Ancillary);
        var cmsg = Assert.Single(msg.Ancillary!);
        Assert.Equal(SOL_SOCKET, cmsg.Level);
        Assert.Equal(SCM_RIGHTS, cmsg.Type);
        var fds = Assert.IsType<FileDescriptors>(cmsg.Data);
        Assert.True(fds.IsOwned);
        return fds;
    }

    private void PassPipeAndFile(SocketHandle from, SocketHandle to, Func<SafeHandle, FileStream, object> item)
    {
        var (r, w) = Native.Pipe();
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite);
        using (r)
        using (w)
        {
            Assert.Equal(3L, from.SendMsg("fds", new[] { item(w, file) }));
            Assert.Null(from.Error());

            using var msg = to.RecvMsg(16, 256)!;
            Assert.NotNull(msg);
            Assert.Equal("fds", Encoding.ASCII.GetString((byte[])msg.Data));
            Assert.Equal(0, msg.Flags & MSG_CTRUNC);
            var fds = SingleRights(msg);
            Assert.Equal(2, fds.Count);
            int gotPipe = Native.Fd(fds[0]), gotFile = Native.Fd(fds[1]);

            // New descriptor numbers, the same open files, close-on-exec.
            Assert.NotEqual(Native.Fd(w), gotPipe);
            Assert.Equal(DescriptorAccounting.Target(Native.Fd(w)), DescriptorAccounting.Target(gotPipe));
            Assert.Equal(DescriptorAccounting.Target(Native.Fd(file.SafeFileHandle)), DescriptorAccounting.Target(gotFile));
            Assert.True(Native.IsCloseOnExec(gotPipe));
            Assert.True(Native.IsCloseOnExec(gotFile));

            Native.Write(gotPipe, "through the received pipe");
            Assert.Equal("through the received pipe", Native.Read(Native.Fd(r)));
            Native.Write(gotFile, "through the received file");
            Assert.Equal("through the received file", File.ReadAllText(path));

            msg.Dispose();
            Assert.False(DescriptorAccounting.IsOpen(gotPipe));
            Assert.False(DescriptorAccounting.IsOpen(gotFile));
            Assert.True(fds[0].IsClosed);
        }
    }

    [Fact]
    public void RightsInBothDirectionsWithSeveralDescriptors()
    {
        var (a, b) = SeqPacketPair();
        using (a)
        using (b)
        {
            DescriptorAccounting.AssertNoLeak(() =>
            {
                // ControlMessage with a list of handles, a -> b.
                PassPipeAndFile(a, b, (w, f) => new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new object[] { w, f }));
                // ucode-style dictionary, b -> a.
                PassPipeAndFile(b, a, (w, f) => new Dictionary<string, object?>
                {
                    ["level"] = SOL_SOCKET,
                    ["type"] = SCM_RIGHTS,
                    ["data"] = new object[] { w, f },
                });
                // Typed, a -> b.
                PassPipeAndFile(a, b, (w, f) => ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(w, f.SafeFileHandle)));
            }, warmUp: true);
        }
    }

    [Fact]
    public void SocketHandlesAndDescriptorNumbersCanBeSent()
    {
        var (a, b) = SeqPacketPair();
        var (c, d) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        using (c)
        using (d)
        {
            DescriptorAccounting.AssertNoLeak(() =>
            {
                var (r, w) = Native.Pipe();
                using (r)
                using (w)
                {
                    Assert.Equal(1L, a.SendMsg("s", new[] { new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new object[] { c, Native.Fd(w) }) }));
                    using var msg = b.RecvMsg(8, 64)!;
                    var fds = SingleRights(msg);
                    Assert.Equal(2, fds.Count);
                    Assert.Equal(DescriptorAccounting.Target(c.FileNo()), DescriptorAccounting.Target(Native.Fd(fds[0])));
                    Assert.StartsWith("socket:[", DescriptorAccounting.Target(Native.Fd(fds[0])));
                    Assert.Equal(DescriptorAccounting.Target(Native.Fd(w)), DescriptorAccounting.Target(Native.Fd(fds[1])));

                    // The received socket is c: what goes in through it comes out at d.
                    Native.Write(Native.Fd(fds[0]), "via the passed socket");
                    Assert.Equal("via the passed socket", Native.Read(d.FileNo()));
                }
            }, warmUp: true);
        }
    }

    [Fact]
    public void TooSmallControlBufferTruncatesAndLeaksNothing()
    {
        var (a, b) = SeqPacketPair();
        using (a)
        using (b)
        {
            DescriptorAccounting.AssertNoLeak(() =>
            {
                var (r, w) = Native.Pipe();
                using (r)
                using (w)
                {
                    var three = new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new SafeHandle[] { w, w, r });

                    // CMSG_SPACE(sizeof(int)) = 24 on LP64: the kernel fits (24 - 16) / 4 = 2 descriptors
                    // and drops the third.
                    Assert.Equal(1L, a.SendMsg("1", new[] { three }));
                    using (var msg = b.RecvMsg(8, 24)!)
                    {
                        Assert.NotEqual(0, msg.Flags & MSG_CTRUNC);
                        Assert.True(msg.IsControlTruncated);
                        var fds = SingleRights(msg);
                        Assert.Equal(2, fds.Count);
                        Assert.Equal(DescriptorAccounting.Target(Native.Fd(w)), DescriptorAccounting.Target(Native.Fd(fds[0])));
                    }

                    // Room for no descriptor at all: none arrives, none stays open.
                    Assert.Equal(1L, a.SendMsg("2", new[] { three }));
                    using (var msg = b.RecvMsg(8, 1)!)
                    {
                        Assert.NotEqual(0, msg.Flags & MSG_CTRUNC);
                        Assert.Empty(msg.Ancillary!);
                    }

                    // No control buffer: the kernel discards them and says so.
                    Assert.Equal(1L, a.SendMsg("3", new[] { three }));
                    using (var msg = b.RecvMsg(8)!)
                    {
                        Assert.NotEqual(0, msg.Flags & MSG_CTRUNC);
                        Assert.Null(msg.Ancillary);
                    }
                }
            }, warmUp: true);
        }
    }

    [Fact]
    public void TakenDescriptorsSurviveDisposeOfTheMessage()
    {
        var (a, b) = SeqPacketPair();
        using (a)
        using (b)
        {
            DescriptorAccounting.AssertNoLeak(() =>
            {
                var (r, w) = Native.Pipe();
                using (r)
                using (w)
                {
                    Assert.Equal(1L, a.SendMsg("t", new[] { new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new[] { w, w }) }));
                    var msg = b.RecvMsg(8, 64)!;
                    var fds = SingleRights(msg);
                    Assert.True(msg.Take(fds[1]));
                    Assert.False(msg.Take(fds[1]));
                    msg.Dispose();
                    Assert.True(fds[0].IsClosed);
                    Assert.False(fds[1].IsClosed);
                    Native.Write(Native.Fd(fds[1]), "kept");
                    Assert.Equal("kept", Native.Read(Native.Fd(r)));
                    fds[1].Dispose();

                    Assert.Equal(1L, a.SendMsg("u", new[] { new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new[] { w }) }));
                    var all = b.RecvMsg(8, 64)!;
                    var taken = all.TakeFileDescriptors();
                    all.Dispose();
                    var h = Assert.Single(taken);
                    Assert.False(h.IsClosed);
                    h.Dispose();
                }
            }, warmUp: true);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReceiveAndDrop(SocketHandle b)
    {
        var msg = b.RecvMsg(8, 64)!;
        Assert.Equal(2, SingleRights(msg).Count);
    }

    [Fact]
    public void ADroppedMessageClosesItsDescriptorsWhenCollected()
    {
        var (a, b) = SeqPacketPair();
        using (a)
        using (b)
        {
            var (r, w) = Native.Pipe();
            using (r)
            using (w)
            {
                DescriptorAccounting.AssertNoLeak(() =>
                {
                    Assert.Equal(1L, a.SendMsg("d", new[] { new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new[] { w, r }) }));
                    ReceiveAndDrop(b);
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                }, warmUp: true);
            }
        }
    }

    private sealed class ThrowingCredentials : Marshalling.ValueCodec<Ucred>
    {
        public override string Description => "struct ucred (throws)";
        public override int ReadBufferSize => 12;
        public override bool TryRead(ReadOnlySpan<byte> source, out Ucred value, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error) => throw new InvalidOperationException("decoder failed");
        public override int GetSize(in Ucred value) => 12;
        public override bool TryWrite(in Ucred value, Span<byte> destination, out int written, out string? error) => throw new InvalidOperationException("encoder failed");
        public override object? ToUcode(in Ucred value) => null;
        public override bool TryFromUcode(object? value, out Ucred result, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error) => throw new InvalidOperationException("conversion failed");
    }

    [Fact]
    public void ADecoderThatThrowsLeaksNoDescriptor()
    {
        var (a, b) = SeqPacketPair();
        using (a)
        using (b)
        {
            Assert.True(b.SetOpt(SOL_SOCKET, SO_PASSCRED, true));
            var (r, w) = Native.Pipe();
            using (r)
            using (w)
            {
                SpecRegistry.Register(new ControlMessageType<Ucred>("SCM_CREDENTIALS", SOL_SOCKET, SCM_CREDENTIALS, new ThrowingCredentials()));
                try
                {
                    DescriptorAccounting.AssertNoLeak(() =>
                    {
                        // The kernel delivers credentials (SO_PASSCRED) next to the descriptors; decoding the
                        // credentials throws after the descriptors were taken over.
                        Assert.Equal(1L, a.SendMsg("x", new[] { new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new[] { w, r, w }) }));
                        var ex = Assert.Throws<InvalidOperationException>(() => b.RecvMsg(8, 256));
                        Assert.Equal("decoder failed", ex.Message);
                    }, warmUp: true);
                }
                finally
                {
                    SpecRegistry.Register(Cmsg.ScmCredentials);
                }
            }
        }
    }

    [Fact]
    public void RawControlBufferBuiltByHandPassesADescriptor()
    {
        var (a, b) = SeqPacketPair();
        using (a)
        using (b)
        {
            DescriptorAccounting.AssertNoLeak(() =>
            {
                var (r, w) = Native.Pipe();
                using (r)
                using (w)
                {
                    // cmsg(3) on LP64: size_t cmsg_len = CMSG_LEN(4) = 20, int level, int type, the fd, 4 bytes of padding.
                    var control = new byte[24];
                    BitConverter.GetBytes(20UL).CopyTo(control, 0);
                    BitConverter.GetBytes(SOL_SOCKET).CopyTo(control, 8);
                    BitConverter.GetBytes(SCM_RIGHTS).CopyTo(control, 12);
                    BitConverter.GetBytes(Native.Fd(w)).CopyTo(control, 16);

                    Assert.Equal(3L, a.SendMsg("raw", control));
                    using var msg = b.RecvMsg(8, 64)!;
                    var fds = SingleRights(msg);
                    Native.Write(Native.Fd(Assert.Single(fds)), "raw control");
                    Assert.Equal("raw control", Native.Read(Native.Fd(r)));
                }
            }, warmUp: true);
        }
    }

    [Fact]
    public void UcodesControlLengthIsRefusedByTheKernel()
    {
        // ucode sizes its buffer as CMSG_SPACE(4) = 24 but sets msg_controllen to
        // offset 0 + CMSG_SPACE(cmsg_len = 20) = 40: the kernel reads a second, empty header and says EINVAL.
        // This is why SendMsg computes the length itself instead of following ucode.
        var (a, b) = SeqPacketPair();
        using (a)
        using (b)
        {
            var (r, w) = Native.Pipe();
            using (r)
            using (w)
            {
                var control = new byte[40];
                BitConverter.GetBytes(20UL).CopyTo(control, 0);
                BitConverter.GetBytes(SOL_SOCKET).CopyTo(control, 8);
                BitConverter.GetBytes(SCM_RIGHTS).CopyTo(control, 12);
                BitConverter.GetBytes(Native.Fd(w)).CopyTo(control, 16);
                Assert.Null(a.SendMsg("ucode", control));
                Assert.Equal("sendmsg(): Invalid argument", a.Error());

                // The same message through the encoder: 24 bytes, accepted.
                Assert.Equal(5L, a.SendMsg("ucode", new[] { new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new[] { w }) }));
                using var msg = b.RecvMsg(8, 64)!;
                Assert.Single(SingleRights(msg));
            }
        }
    }

    [Fact]
    public void AFailedEncodeReleasesTheDescriptorsItHeld()
    {
        var (a, b) = SeqPacketPair();
        using (a)
        using (b)
        {
            var (r, w) = Native.Pipe();
            using (r)
            {
                int fd = Native.Fd(w);
                var good = new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new[] { w });
                Assert.Null(a.SendMsg("x", new object[] { good, "not a control message" }));
                Assert.StartsWith("Ancillary item 1:", a.Error());

                // Had the reference taken for item 0 not been released, disposing would leave the descriptor open.
                w.Dispose();
                Assert.False(DescriptorAccounting.IsOpen(fd));
            }
            Assert.Null(b.RecvMsg(8, 64, MSG_DONTWAIT));
            Assert.Equal(Errno.EAGAIN, b.Error(true));
        }
    }

    [Fact]
    public void DecodingAHandBuiltBufferOwnsTheDescriptorsInIt()
    {
        DescriptorAccounting.AssertNoLeak(() =>
        {
            var (r, w) = Native.Pipe();
            using (r)
            using (w)
            {
                int dup1 = Tmds.Linux.LibC.dup(Native.Fd(w)), dup2 = Tmds.Linux.LibC.dup(Native.Fd(r));
                Assert.True(dup1 >= 0 && dup2 >= 0);
                var control = new byte[24];
                BitConverter.GetBytes(24UL).CopyTo(control, 0);
                BitConverter.GetBytes(SOL_SOCKET).CopyTo(control, 8);
                BitConverter.GetBytes(SCM_RIGHTS).CopyTo(control, 12);
                BitConverter.GetBytes(dup1).CopyTo(control, 16);
                BitConverter.GetBytes(dup2).CopyTo(control, 20);

                var owned = new List<SafeHandle>();
                var list = ControlMessageDecoder.Decode(control, truncated: false, owned);
                var fds = Assert.IsType<FileDescriptors>(Assert.Single(list).Data);
                Assert.Equal(new[] { dup1, dup2 }, fds.ToArray());
                Assert.Equal(2, owned.Count);
                foreach (var h in owned) h.Dispose();
                Assert.False(DescriptorAccounting.IsOpen(dup1));
                Assert.False(DescriptorAccounting.IsOpen(dup2));
            }
        }, warmUp: true);
    }
}
