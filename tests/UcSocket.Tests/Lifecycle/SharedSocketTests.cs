using System;
using System.Runtime.InteropServices;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Lifecycle;

/// <summary>Closing a handle closes its descriptor only: other descriptors of the same socket keep working.</summary>
public partial class SharedSocketTests
{
    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static partial int dup(int fd);

    private static (SocketHandle Client, SocketHandle Server, SocketHandle Listener) Connected()
    {
        var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"));
        Assert.True(listener.Listen());
        var client = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(client.Connect(listener.SockName()!));
        var server = listener.Accept()!;
        return (client, server, listener);
    }

    [Fact]
    public void DisposingADupLeavesTheOriginalWorkingBothWays()
    {
        var (client, server, listener) = Connected();
        using (client)
        using (server)
        using (listener)
        {
            var copy = Open(dup(server.FileNo()))!;
            Assert.NotNull(copy);
            copy.Dispose();
            Assert.Equal(5L, client.Send("hello"));
            Assert.Equal("hello"u8.ToArray(), server.Recv(16));
            Assert.Equal(3L, server.Send("bye"));
            Assert.Equal("bye"u8.ToArray(), client.Recv(16));
        }
    }

    [Fact]
    public void DisposingAfterPassingTheSocketOnLeavesTheReceiversCopyWorking()
    {
        var (client, server, listener) = Connected();
        var (a, b) = Pair()!;
        using (client)
        using (listener)
        using (a)
        using (b)
        {
            Assert.Equal(1L, a.SendMsg("s", new[] { ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(server.SafeHandle)) }));
            server.Dispose();
            using var message = b.RecvMsg(16, 64)!;
            var fds = Assert.IsType<FileDescriptors>(Assert.Single(message.Ancillary!).Data);
            var taken = Assert.Single(message.TakeFileDescriptors());
            using var handed = Open((int)taken.DangerousGetHandle())!;
            taken.SetHandleAsInvalid(); // the handle owns it now
            Assert.Equal(4L, client.Send("ping"));
            Assert.Equal("ping"u8.ToArray(), handed.Recv(16));
            Assert.Equal(4L, handed.Send("pong"));
            Assert.Equal("pong"u8.ToArray(), client.Recv(16));
            Assert.Null(client.Recv(16, MSG_DONTWAIT)); // no end of stream, no reset
            Assert.Equal(Errno.EAGAIN, client.Error(true));
        }
    }
}
