using System;
using System.Runtime.InteropServices;
using Tmds.Linux;
using UcSocket.Tests.Handle;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Reliability;

/// <summary>
/// Closing a handle closes its own descriptor and nothing else: another descriptor of the same socket (a dup, a
/// copy received with SCM_RIGHTS) keeps working both ways, and the peer sees neither end of file nor a reset.
/// No call of the closed handle is blocked in these tests, so the close has no call to wake.
/// </summary>
[Collection(DescriptorAccountingCollection.Name)]
public sealed class SharedSocketTests
{
    public static TheoryData<string, bool> Kinds()
    {
        var data = new TheoryData<string, bool>();
        foreach (var kind in new[] { "tcp connection", "unix stream", "tcp listener" })
        {
            data.Add(kind, true);
            data.Add(kind, false);
        }
        return data;
    }

    /// <summary>The pattern Open's documentation advises: Open(dup(fd)), used, then disposed or closed.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void ClosingADuplicateLeavesTheOriginalWorking(string kind, bool dispose)
    {
        using var shared = new SharedSocket(kind);
        int copy = LibC.dup(shared.Original.FileNo());
        Assert.True(copy >= 0, $"dup: errno {Marshal.GetLastPInvokeError()}");
        var duplicate = Open(copy);
        Assert.True(duplicate is not null, Error());
        Assert.Equal(shared.Original.GetOpt(SOL_SOCKET, SO_TYPE), duplicate!.GetOpt(SOL_SOCKET, SO_TYPE));

        Release(duplicate, dispose);
        Assert.False(DescriptorAccounting.IsOpen(copy), "the handle's own descriptor is still open");
        shared.AssertWorks(shared.Original);
    }

    /// <summary>A socket passed to another handle with SCM_RIGHTS, then the sender's handle disposed or closed.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void ClosingTheSenderOfAPassedSocketLeavesTheReceiversCopyWorking(string kind, bool dispose)
    {
        using var shared = new SharedSocket(kind);
        var (from, to) = Pair(SOCK_STREAM)!;
        using (from)
        using (to)
        {
            Assert.Equal(1L, from.SendMsg("s", new[] { ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(shared.Original.SafeHandle)) }));
            using var message = to.RecvMsg(8, 64);
            Assert.True(message is not null, to.Error());
            var taken = Assert.Single(message!.TakeFileDescriptors());
            var received = Open((int)taken.DangerousGetHandle());
            Assert.True(received is not null, Error());
            taken.SetHandleAsInvalid(); // the SocketHandle owns the descriptor now
            using (received)
            {
                Release(shared.Original, dispose);
                shared.AssertWorks(received!);
            }
        }
    }

    private static void Release(SocketHandle handle, bool dispose)
    {
        if (dispose) handle.Dispose();
        else Assert.True(handle.Close(), handle.Error());
        Assert.Equal(-1, handle.FileNo());
    }

    /// <summary>A socket of one kind, its peer, and the check that it still works both ways through some descriptor of it.</summary>
    private sealed class SharedSocket : IDisposable
    {
        private readonly string _kind;
        private readonly SocketHandle? _listener;

        public SharedSocket(string kind)
        {
            _kind = kind;
            switch (kind)
            {
                case "tcp connection":
                    _listener = BlockingPeers.TcpListener();
                    (Peer, Original) = BlockingPeers.TcpPair(_listener);
                    break;
                case "unix stream":
                    (Original, Peer) = Pair(SOCK_STREAM)!;
                    break;
                case "tcp listener":
                    Original = BlockingPeers.TcpListener();
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
            }
            if (Peer is not null) Exchange(Original, Peer); // it works before anything is closed
        }

        /// <summary>The socket whose descriptors are shared.</summary>
        public SocketHandle Original { get; }

        /// <summary>The other end of a connection (null for a listener).</summary>
        public SocketHandle? Peer { get; }

        /// <summary>
        /// The socket works through <paramref name="through"/>: data goes both ways and neither end has an end of
        /// file or an error pending; a listener still accepts, and the accepted connection works.
        /// </summary>
        public void AssertWorks(SocketHandle through)
        {
            if (_kind == "tcp listener")
            {
                using var client = Create(AF_INET, SOCK_STREAM)!;
                SetTimeouts(client);
                Assert.True(client.Connect(through.SockName()!), $"connect to the listener: {client.Error()}");
                Assert.Equal(1, Sockets.Poll(5000, through)?.Count);
                using var accepted = through.Accept();
                Assert.True(accepted is not null, $"accept: {through.Error()}");
                Exchange(client, accepted!);
                Exchange(accepted!, client);
                return;
            }
            Exchange(Peer!, through);
            Exchange(through, Peer!);
            AssertQuiet(Peer!);
            AssertQuiet(through);
        }

        private static void Exchange(SocketHandle from, SocketHandle to)
        {
            SetTimeouts(from);
            SetTimeouts(to);
            Assert.True(from.Send("ping") == 4, $"send: {from.Error()}");
            var got = to.Recv(64);
            Assert.True(got is not null, $"recv: {to.Error()}");
            Assert.Equal("ping"u8.ToArray(), got);
        }

        /// <summary>Nothing to read and no end of file or error pending: a receive that does not wait finds EAGAIN.</summary>
        private static void AssertQuiet(SocketHandle s)
        {
            var got = s.Recv(64, MSG_DONTWAIT);
            Assert.True(got is null && Equals(s.Error(true), Errno.EAGAIN),
                $"expected nothing to read, got {CallOutcome.Describe(got)}, error {s.Error()}");
        }

        private static void SetTimeouts(SocketHandle s)
        {
            Assert.True(s.SetOpt(SockOpt.SoRcvTimeo, new Timeval(Seconds: 5)), s.Error());
            Assert.True(s.SetOpt(SockOpt.SoSndTimeo, new Timeval(Seconds: 5)), s.Error());
        }

        public void Dispose()
        {
            Original.Dispose();
            Peer?.Dispose();
            _listener?.Dispose();
        }
    }
}
