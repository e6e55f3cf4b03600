using System;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Cli.Tests;

/// <summary>
/// Messages name the whole endpoint (host and port, however the port was given), and a UDP client whose stdin ends
/// exits by itself once the replies stop (<see cref="Session.DatagramReplyWaitMs"/>), as the usage text documents.
/// </summary>
public class EndpointAndDatagramTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData(new[] { "connect", "127.0.0.1", "9" }, "connect to 127.0.0.1:9: connect(): Connection refused")]
    [InlineData(new[] { "connect", "127.0.0.1:9" }, "connect to 127.0.0.1:9: connect(): Connection refused")]
    [InlineData(new[] { "connect", "::1", "9" }, "connect to [::1]:9: connect(): Connection refused")]
    [InlineData(new[] { "-4", "connect", "localhost", "9" }, "connect to localhost:9 (127.0.0.1:9): connect(): Connection refused")]
    public void ARefusedConnectionNamesHostAndPort(string[] args, string message)
    {
        // Nothing listens on port 9 in the test's network namespace.
        var r = Cli.Run(args);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"ucsock: {message}\n", r.Stderr);
    }

    [Fact]
    public void AResolverFailureNamesHostAndPort()
    {
        var r = Cli.Run("connect", "no-such-host.invalid", "80");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("ucsock: connect no-such-host.invalid:80: getaddrinfo(): ", r.Stderr);
    }

    [Fact]
    public void AConnectionTimeoutNamesHostAndPort()
    {
        // A UNIX listener with a full backlog never completes a connect: the -w wait runs out.
        string path = "@ucsock-test-" + Guid.NewGuid().ToString("N");
        using var listener = Listen(path, null, null, backlog: 0)!;
        using var queued = Create(AF_UNIX, SOCK_STREAM)!;
        Assert.True(queued.Connect(path));
        var r = Cli.Run("-w", "0.2", "connect", path);
        Assert.Equal(3, r.ExitCode);
        Assert.Equal($"ucsock: connect to {path}: no connection within 0.2 s\n", r.Stderr);
    }

    [Fact]
    public void ARecvErrorNamesThePeer()
    {
        // A UDP datagram to a closed port brings ICMP port unreachable: the next receive reports it.
        var r = Cli.RunWithInput(B("x"), "-u", "connect", "127.0.0.1", "9");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ucsock: recv from 127.0.0.1:9: recv(): Connection refused\n", r.Stderr);
    }

    /// <summary>A UDP peer on loopback that answers each datagram once, for as long as the test needs it.</summary>
    private sealed class EchoPeer : IDisposable
    {
        private readonly SocketHandle _socket = Listen("127.0.0.1", 0, new AddrInfoHints { SockType = SOCK_DGRAM })!;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public EchoPeer()
        {
            Port = _socket.SockName()!.Port!.Value;
            // A thread of its own: the client waits only a second for replies, longer than a busy thread pool may
            // take to start a queued loop.
            _loop = Task.Factory.StartNew(() =>
            {
                var from = new SocketAddress();
                while (!_stop.IsCancellationRequested)
                {
                    var ready = Poll(50, _socket);
                    if (ready is not { Count: > 0 }) continue;
                    var data = _socket.Recv(4096, 0, from);
                    if (data is not null) _socket.Send(Encoding.UTF8.GetBytes("echo:" + Encoding.UTF8.GetString(data)), 0, from);
                }
            }, TaskCreationOptions.LongRunning);
        }

        public int Port { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _loop.Wait(TimeSpan.FromSeconds(5));
            _socket.Dispose();
        }
    }

    [Fact]
    public void AUdpClientExitsAfterStdinEndsAndTheRepliesStop()
    {
        using var peer = new EchoPeer();
        var clock = Stopwatch.StartNew();
        var r = Cli.RunWithInput(B("x"), "-u", "connect", "127.0.0.1", peer.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("echo:x", r.Stdout);
        // It waited for replies for the documented time after stdin ended, and not much longer.
        Assert.InRange(clock.ElapsedMilliseconds, Session.DatagramReplyWaitMs - 50, Session.DatagramReplyWaitMs + 8_000);
    }

    [Fact]
    public void EchoIntoUcsockDashUConnectReturns()
    {
        // The reported case, as a real process with a pipe for stdin: echo x | ucsock -u connect HOST PORT.
        using var peer = new EchoPeer();
        using var child = Cli.Spawn("-u", "connect", "127.0.0.1", peer.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var r = child.Finish(B("x\n"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("echo:x\n", r.Stdout);
    }
}
