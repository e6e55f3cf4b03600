using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Tmds.Linux;
using UcSocket.Tests.Messages;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;
using static UcSocket.Tests.Errno;

namespace UcSocket.Tests.Async;

/// <summary>
/// Sockets.ConnectAsync and Sockets.ListenAsync: names, numeric hosts, every candidate tried at once, errors as
/// exceptions, timeouts and cancellation through the token. Every scenario runs inside a descriptor count.
/// </summary>
[Collection(DescriptorAccountingCollection.Name)]
public class ModuleAsyncTests
{
    private const int F_GETFL = 3, O_NONBLOCK = 0x800;
    private const int EAI_NONAME = -2; // netdb.h
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public Task ConnectsToANameResolvedOnTheThreadPool() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        using var listener = Listen("127.0.0.1", 0)!;
        int port = listener.SockName()!.Port!.Value;
        using var client = await ConnectAsync("localhost", port).AsTask().WaitAsync(Patience);
        Assert.Equal("127.0.0.1", client.PeerName()!.Address);
        using var server = await listener.AcceptAsync().AsTask().WaitAsync(Patience);
        await ExchangeAsync(client, server);
    });

    [Theory]
    [InlineData("127.0.0.1", AF_INET)]
    [InlineData("::1", AF_INET6)]
    [InlineData("[::1]", AF_INET6)]
    public Task ConnectsToNumericHosts(string host, int family) => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        using var listener = Listen(host, 0)!;
        Assert.NotNull(listener);
        int port = listener.SockName()!.Port!.Value;
        foreach (object service in new object[] { port, port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            using var client = await ConnectAsync(host, service).AsTask().WaitAsync(Patience);
            Assert.Equal(family, client.SockName()!.Family);
            Assert.Equal(port, client.PeerName()!.Port);
            using var server = await listener.AcceptAsync().AsTask().WaitAsync(Patience);
            await ExchangeAsync(client, server);
        }
    });

    [Fact]
    public Task AddressesAndUnixNamesAreUsedAsIs() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        using (var listener = Listen("127.0.0.1", 0)!)
        using (var client = await ConnectAsync(listener.SockName()!).AsTask().WaitAsync(Patience))
            Assert.Equal(listener.SockName()!.Port, client.PeerName()!.Port);

        using var dir = new Handle.TempDir();
        foreach (var name in new[] { dir.File("sock"), "@ucsock-async-" + Guid.NewGuid().ToString("N") })
        {
            using var listener = await ListenAsync(name).AsTask().WaitAsync(Patience);
            using var client = await ConnectAsync(name).AsTask().WaitAsync(Patience);
            Assert.Equal(AF_UNIX, client.SockName()!.Family);
            using var server = await listener.AcceptAsync().AsTask().WaitAsync(Patience);
            await ExchangeAsync(client, server);
        }
    });

    [Fact]
    public Task TheSocketComesBackBlockingAndConnected() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        // As after a blocking connect(2): O_NONBLOCK clear, and a second connect is EISCONN. Both module functions.
        using var listener = Listen("127.0.0.1", 0)!;
        int port = listener.SockName()!.Port!.Value;
        using var viaAsync = await ConnectAsync("127.0.0.1", port).AsTask().WaitAsync(Patience);
        using var viaBlocking = Connect("127.0.0.1", port)!;
        Assert.NotNull(viaBlocking);
        foreach (var client in new[] { viaAsync, viaBlocking })
        {
            Assert.Equal(0, LibC.fcntl(client.FileNo(), F_GETFL) & O_NONBLOCK);
            Assert.Null(client.Connect(listener.SockName()!));
            Assert.Equal(EISCONN, client.Error(true));
        }
    });

    [Fact]
    public Task ARefusedConnectionIsAnException() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        int port = ClosedPort();
        foreach (var host in new[] { "127.0.0.1", "localhost" })
        {
            var error = await Assert.ThrowsAsync<UcSocketException>(() => ConnectAsync(host, port).AsTask().WaitAsync(Patience));
            Assert.Equal(ECONNREFUSED, error.Code);
            Assert.Equal("connect(): Connection refused", error.Message);
        }
    });

    [Fact]
    public Task EveryCandidateIsTriedAtOnceAndTheFirstToConnectWins() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        // The first candidate never completes (its listener's accept queue is full, so its SYN is dropped), the
        // second is refused, the third listens: the third wins at once, and the others are closed.
        using var full = new FullListener();
        using var listener = Listen("::1", 0)!;
        var candidates = new List<Candidate>
        {
            new(full.Address, SOCK_STREAM, 0),
            new(new SocketAddress(AF_INET) { Address = "127.0.0.1", Port = ClosedPort() }, SOCK_STREAM, 0),
            new(listener.SockName()!, SOCK_STREAM, 0),
        };
        var watch = Stopwatch.StartNew();
        using var client = await ConnectFirstAsync(candidates, CancellationToken.None).AsTask().WaitAsync(Patience);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal("::1", client.PeerName()!.Address);
        Assert.Equal(listener.SockName()!.Port, client.PeerName()!.Port);
    });

    [Fact]
    public Task ATimeoutIsATokenThatCancelsItself() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        using var full = new FullListener();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ConnectAsync(full.Address, null, null, timeout.Token).AsTask().WaitAsync(Patience));
        Assert.InRange(watch.Elapsed.TotalMilliseconds, 250, 10_000);
    });

    [Fact]
    public Task CancellationEndsTheAttemptsAndTheLookup() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        using var full = new FullListener();
        using (var canceled = new CancellationTokenSource())
        {
            canceled.Cancel();
            // Canceled before it starts: nothing is resolved or opened.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ConnectAsync("localhost", 80, null, canceled.Token).AsTask());
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ListenAsync("localhost", 0, null, 16, false, canceled.Token).AsTask());
        }
        using var cts = new CancellationTokenSource();
        var pending = ConnectAsync(full.Address, null, null, cts.Token).AsTask();
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        cts.Cancel();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Patience));
        Assert.Equal(cts.Token, error.CancellationToken);
    });

    [Fact]
    public Task LookupAndArgumentErrorsAreExceptions() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        var lookup = await Assert.ThrowsAsync<UcSocketException>(() =>
            ConnectAsync("not-an-address", 80, new AddrInfoHints { Flags = AI_NUMERICHOST }).AsTask().WaitAsync(Patience));
        Assert.Equal(EAI_NONAME, lookup.Code);
        Assert.Equal("getaddrinfo(): " + StrError(EAI_NONAME), lookup.Message);

        using var dir = new Handle.TempDir();
        var port = await Assert.ThrowsAsync<UcSocketException>(() => ConnectAsync(dir.File("sock"), 80).AsTask());
        Assert.Equal(EINVAL, port.Code);
        Assert.Equal("Port argument is only valid for IPv4 and IPv6 addresses: Invalid argument", port.Message);
        var range = await Assert.ThrowsAsync<UcSocketException>(() => ConnectAsync(new SocketAddress(AF_INET) { Address = "127.0.0.1" }, 70000).AsTask());
        Assert.Equal(ERANGE, range.Code);
        await Assert.ThrowsAsync<ArgumentNullException>(() => ConnectAsync(null!).AsTask());
    });

    [Fact]
    public Task ListenAsyncBindsAndListens() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        using (var numeric = await ListenAsync("127.0.0.1", 0).AsTask().WaitAsync(Patience))
        {
            Assert.Equal(true, numeric.GetOpt(SOL_SOCKET, SO_ACCEPTCONN));
            using var client = await ConnectAsync(numeric.SockName()!).AsTask().WaitAsync(Patience);
            using var server = await numeric.AcceptAsync().AsTask().WaitAsync(Patience);
            await ExchangeAsync(client, server);
        }
        using (var named = await ListenAsync("localhost", 0).AsTask().WaitAsync(Patience))
            Assert.Equal("127.0.0.1", named.SockName()!.Address);
        using (var wildcard = await ListenAsync(null, 0).AsTask().WaitAsync(Patience))
            Assert.Contains(wildcard.SockName()!.Address, new[] { "0.0.0.0", "::" });
        using (var datagram = await ListenAsync("127.0.0.1", 0, new AddrInfoHints { SockType = SOCK_DGRAM }).AsTask().WaitAsync(Patience))
        {
            Assert.Equal(SOCK_DGRAM, datagram.GetOpt(SOL_SOCKET, SO_TYPE));
            Assert.Equal(false, datagram.GetOpt(SOL_SOCKET, SO_ACCEPTCONN));
        }
    });

    [Fact]
    public Task ListenAsyncFailuresAreExceptionsAndLeaveTheErrorRecordAlone() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        using var first = Listen("127.0.0.1", 0)!;
        int port = first.SockName()!.Port!.Value;
        Assert.Null(Connect(new SocketAddress(AF_INET) { Address = "127.0.0.1" }, 70000)); // records ERANGE on this thread
        var error = await Assert.ThrowsAsync<UcSocketException>(() => ListenAsync("127.0.0.1", port).AsTask());
        Assert.Equal(EADDRINUSE, error.Code);
        Assert.Equal("bind(): Address already in use", error.Message);
        Assert.Equal(ERANGE, Error(true)); // a numeric host completes on this thread: its record is as it was
    });

    /// <summary>One message each way, async on one side and blocking on the other.</summary>
    private static async Task ExchangeAsync(SocketHandle client, SocketHandle server)
    {
        Assert.Equal(4, await client.SendAsync("ping"u8.ToArray()));
        var buffer = new byte[8];
        Assert.Equal(4, await server.RecvAsync(buffer).AsTask().WaitAsync(Patience));
        Assert.Equal("ping"u8.ToArray(), buffer[..4]);
        Assert.Equal(4L, server.Send("pong"u8));
        Assert.Equal(4, await client.RecvAsync(buffer).AsTask().WaitAsync(Patience));
        Assert.Equal("pong"u8.ToArray(), buffer[..4]);
    }

    /// <summary>A loopback port nobody listens on (bound and closed again).</summary>
    private static int ClosedPort()
    {
        using var probe = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(probe.Bind("127.0.0.1:0"));
        return probe.SockName()!.Port!.Value;
    }
}

/// <summary>
/// A loopback listener whose accept queue is full (backlog 0, nobody accepts): the kernel drops further SYNs, so a
/// connect to it stays in progress until it is abandoned.
/// </summary>
internal sealed class FullListener : IDisposable
{
    private readonly SocketHandle _listener;
    private readonly List<SocketHandle> _queued = new();

    public FullListener()
    {
        _listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(_listener.Bind("127.0.0.1:0"));
        Assert.True(_listener.Listen(0));
        Address = _listener.SockName()!;
        // Connect until one times out: the queue is full from then on.
        for (int i = 0; i < 8; i++)
        {
            var queued = Connect(Address, null, null, 200);
            if (queued is null) return;
            _queued.Add(queued);
        }
        Assert.Fail("the accept queue never filled");
    }

    public SocketAddress Address { get; }

    public void Dispose()
    {
        foreach (var s in _queued) s.Dispose();
        _listener.Dispose();
    }
}
