using System;
using System.Collections.Generic;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Support;

/// <summary>
/// A TCP listener on 127.0.0.1 whose accept queue is full and never drained: the kernel drops every new SYN
/// (a full accept queue drops SYNs whatever tcp_syncookies says), so a blocking connect to it stays blocked
/// for the whole SYN retry period (about two minutes) unless something wakes it.
/// </summary>
internal sealed class SynDroppingListener : IDisposable
{
    private readonly SocketHandle _listener;
    private readonly List<SocketHandle> _fillers = new();

    public SynDroppingListener()
    {
        _listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(_listener.Bind("127.0.0.1:0"), _listener.Error());
        // Backlog 0: the queue is full once it holds one connection (the kernel compares with >).
        Assert.True(_listener.Listen(0), _listener.Error());
        Address = _listener.SockName()!;
        var filler = Create(AF_INET, SOCK_STREAM | SOCK_NONBLOCK)!;
        _fillers.Add(filler);
        Assert.Null(filler.Connect(Address));
        Assert.Equal(Errno.EINPROGRESS, filler.Error(true));
        // For a listener, TCP_INFO gives the accept queue's length as tcpi_unacked and its limit as tcpi_sacked
        // (tcp_get_info): wait until the queue holds more than the limit.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var info = _listener.GetOpt(SockOpt.TcpInfo);
            Assert.True(info is not null, _listener.Error());
            if (info!.Value.Unacked > info.Value.Sacked) break;
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the accept queue holds {info.Value.Unacked} of {info.Value.Sacked}");
            System.Threading.Thread.Sleep(1);
        }
    }

    /// <summary>Where to connect.</summary>
    public SocketAddress Address { get; }

    public void Dispose()
    {
        foreach (var f in _fillers) f.Dispose();
        _listener.Dispose();
    }
}

/// <summary>
/// A UNIX stream listener (abstract name) whose backlog is full and never drained: a blocking connect to it waits
/// for room that never comes.
/// </summary>
internal sealed class FullUnixListener : IDisposable
{
    private readonly SocketHandle _listener;
    private readonly List<SocketHandle> _fillers = new();

    public FullUnixListener()
    {
        Address = "@ucsocket-full-" + Guid.NewGuid().ToString("N");
        _listener = Create(AF_UNIX, SOCK_STREAM)!;
        Assert.True(_listener.Bind(Address), _listener.Error());
        Assert.True(_listener.Listen(0), _listener.Error());
        for (int i = 0; i < 8; i++)
        {
            var filler = Create(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)!;
            _fillers.Add(filler);
            if (filler.Connect(Address) is null)
            {
                Assert.Equal(Errno.EAGAIN, filler.Error(true)); // full: a blocking connect would wait here
                return;
            }
        }
        Assert.Fail("the UNIX listener took 8 connections with a backlog of 0");
    }

    /// <summary>The abstract name, <c>@...</c>.</summary>
    public string Address { get; }

    public void Dispose()
    {
        foreach (var f in _fillers) f.Dispose();
        _listener.Dispose();
    }
}

/// <summary>Connected sockets in states where a call blocks.</summary>
internal static class BlockingPeers
{
    /// <summary>
    /// A UNIX stream pair whose first socket's send buffer is full (a small SO_SNDBUF, filled without waiting):
    /// a blocking send on it waits for a reader that never comes.
    /// </summary>
    public static (SocketHandle Full, SocketHandle Peer) FullSendBuffer()
    {
        var (full, peer) = Pair(SOCK_STREAM)!;
        Assert.True(full.SetOpt(SockOpt.SoSndBuf, 4096), full.Error());
        var chunk = new byte[4096];
        for (int i = 0; i < 1000; i++)
        {
            if (full.Send(chunk, MSG_DONTWAIT) is null)
            {
                Assert.Equal(Errno.EAGAIN, full.Error(true));
                return (full, peer);
            }
        }
        throw new InvalidOperationException("the send buffer never filled");
    }

    /// <summary>A connected TCP pair on 127.0.0.1 through <paramref name="listener"/> (the client, the accepted socket).</summary>
    public static (SocketHandle Client, SocketHandle Server) TcpPair(SocketHandle listener)
    {
        var client = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(client.Connect(listener.SockName()!), client.Error());
        var server = listener.Accept();
        Assert.True(server is not null, listener.Error());
        return (client, server!);
    }

    /// <summary>A TCP listener on 127.0.0.1, any port.</summary>
    public static SocketHandle TcpListener(int backlog = 128)
    {
        var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"), listener.Error());
        Assert.True(listener.Listen(backlog), listener.Error());
        return listener;
    }
}
