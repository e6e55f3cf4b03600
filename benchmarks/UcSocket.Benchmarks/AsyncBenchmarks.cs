using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using static UcSocket.Sockets;

namespace UcSocket.Benchmarks;

/// <summary>
/// Async ping-pong, 1 byte each way, with the receive pending before the data arrives (so every completion goes
/// through the engine's readiness path): UcSocket's RecvAsync/SendAsync against System.Net.Sockets' ReceiveAsync/SendAsync.
/// </summary>
public class AsyncPingPong
{
    private SocketHandle _ua = null!, _ub = null!;
    private Socket _sa = null!, _sb = null!;
    private readonly byte[] _byte = { 42 };
    private readonly byte[] _bufferA = new byte[16], _bufferB = new byte[16];

    [Params("async ping-pong socketpair", "async ping-pong tcp")]
    public string Workload { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        if (Workload.EndsWith("socketpair", StringComparison.Ordinal))
        {
            (_ua, _ub) = Pair(SOCK_STREAM)!;
            var (a, b) = Native.SocketPair(SOCK_STREAM);
            (_sa, _sb) = (Native.ToSystemNet(a), Native.ToSystemNet(b));
            return;
        }
        (_ua, _ub) = TcpPair();
        (_sa, _sb) = SystemNetTcpPair();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ua.Dispose(); _ub.Dispose(); _sa.Dispose(); _sb.Dispose();
    }

    [Benchmark]
    public async Task<int> UcSocket()
    {
        var pending = _ub.RecvAsync(_bufferB);
        await _ua.SendAsync(_byte);
        await pending;
        var back = _ua.RecvAsync(_bufferA);
        await _ub.SendAsync(_byte);
        return await back;
    }

    [Benchmark]
    public async Task<int> SystemNet()
    {
        var pending = _sb.ReceiveAsync(_bufferB, SocketFlags.None);
        await _sa.SendAsync(_byte, SocketFlags.None);
        await pending;
        var back = _sa.ReceiveAsync(_bufferA, SocketFlags.None);
        await _sb.SendAsync(_byte, SocketFlags.None);
        return await back;
    }

    internal static (SocketHandle Client, SocketHandle Server) TcpPair()
    {
        using var listener = Create(AF_INET, SOCK_STREAM)!;
        listener.Bind("127.0.0.1:0");
        listener.Listen();
        var client = Create(AF_INET, SOCK_STREAM)!;
        client.Connect(listener.SockName()!);
        var server = listener.Accept()!;
        client.SetOpt(SockOpt.TcpNoDelay, true);
        server.SetOpt(SockOpt.TcpNoDelay, true);
        return (client, server);
    }

    internal static (Socket Client, Socket Server) SystemNetTcpPair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(listener.LocalEndPoint!);
        var server = listener.Accept();
        server.NoDelay = true;
        return (client, server);
    }
}

/// <summary>
/// Echo throughput: N loopback TCP connections, each with a server loop echoing 64-byte messages and a client
/// sending and awaiting them, all concurrently; time per message.
/// </summary>
public class AsyncEcho
{
    private const int MessagesPerConnection = 20;
    private const int Size = 64;
    private int _connections;
    private SocketHandle[] _uClients = [], _uServers = [];
    private Socket[] _sClients = [], _sServers = [];
    private Task[] _serverLoops = [];
    private byte[][] _buffers = [];

    [Params("async echo 1 conn", "async echo 100 conn", "async echo 1000 conn")]
    public string Workload { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _connections = int.Parse(Workload.Split(' ')[2], CultureInfo.InvariantCulture);
        _uClients = new SocketHandle[_connections];
        _uServers = new SocketHandle[_connections];
        _sClients = new Socket[_connections];
        _sServers = new Socket[_connections];
        _buffers = new byte[_connections][];
        _serverLoops = new Task[_connections * 2];
        for (int i = 0; i < _connections; i++)
        {
            (_uClients[i], _uServers[i]) = AsyncPingPong.TcpPair();
            (_sClients[i], _sServers[i]) = AsyncPingPong.SystemNetTcpPair();
            _buffers[i] = new byte[Size];
            _serverLoops[2 * i] = EchoUcSocket(_uServers[i]);
            _serverLoops[2 * i + 1] = EchoSystemNet(_sServers[i]);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var s in _uClients) s.Dispose();
        foreach (var s in _uServers) s.Dispose();
        foreach (var s in _sClients) s.Dispose();
        foreach (var s in _sServers) s.Dispose();
    }

    private static async Task EchoUcSocket(SocketHandle s)
    {
        var buffer = new byte[Size];
        try
        {
            while (true)
            {
                int n = await s.RecvAsync(buffer);
                if (n == 0) return;
                await s.SendAsync(buffer.AsMemory(0, n));
            }
        }
        catch (UcSocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static async Task EchoSystemNet(Socket s)
    {
        var buffer = new byte[Size];
        try
        {
            while (true)
            {
                int n = await s.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0) return;
                await s.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static async Task ClientUcSocket(SocketHandle s, byte[] buffer)
    {
        for (int m = 0; m < MessagesPerConnection; m++)
        {
            await s.SendAsync(buffer);
            int got = 0;
            while (got < Size) got += await s.RecvAsync(buffer.AsMemory(got));
        }
    }

    private static async Task ClientSystemNet(Socket s, byte[] buffer)
    {
        for (int m = 0; m < MessagesPerConnection; m++)
        {
            await s.SendAsync(buffer, SocketFlags.None);
            int got = 0;
            while (got < Size) got += await s.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None);
        }
    }

    [Benchmark]
    public Task UcSocket()
    {
        var clients = new Task[_connections];
        for (int i = 0; i < _connections; i++) clients[i] = ClientUcSocket(_uClients[i], _buffers[i]);
        return Task.WhenAll(clients);
    }

    [Benchmark]
    public Task SystemNet()
    {
        var clients = new Task[_connections];
        for (int i = 0; i < _connections; i++) clients[i] = ClientSystemNet(_sClients[i], _buffers[i]);
        return Task.WhenAll(clients);
    }

    /// <summary>Messages per invocation for a workload name ("async echo N conn"), to report time per message.</summary>
    internal static int MessagesOf(string workload) => int.Parse(workload.Split(' ')[2], CultureInfo.InvariantCulture) * MessagesPerConnection;
}

/// <summary>An SCM_RIGHTS message received with RecvMsgAsync (what System.Net.Sockets cannot do): send one descriptor, receive it, close it.</summary>
public class AsyncRights
{
    private SocketHandle _a = null!, _b = null!;
    private FileDescriptors _payload = null!;
    private ControlBuffer _receive = null!;
    private readonly byte[] _byte = { 1 }, _buffer = new byte[16];
    private System.IO.FileStream _file = null!;

    [Params("async recvmsg SCM_RIGHTS")]
    public string Workload { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        (_a, _b) = Pair(SOCK_STREAM)!;
        _file = System.IO.File.OpenRead("/proc/self/stat");
        _payload = new FileDescriptors(_file.SafeFileHandle);
        _receive = new ControlBuffer(ControlBuffer.SpaceFor(4));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a.Dispose(); _b.Dispose(); _receive.Dispose(); _file.Dispose();
    }

    [Benchmark]
    public async Task<long> UcSocket()
    {
        var pending = _b.RecvMsgAsync(_buffer, _receive);
        _a.SendMsg(_byte, new[] { ControlMessage.Create(Cmsg.ScmRights, _payload) });
        var result = await pending;
        _receive.Clear(); // closes the received descriptor
        return result.Length;
    }
}
