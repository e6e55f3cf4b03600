using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static UcSocket.Sockets;
using static UcSocket.Tests.Async.AsyncTestSupport;

namespace UcSocket.Tests.Async;

/// <summary>
/// 10,000 loopback TCP connections open at once, every one echoing a message of its own through the engine, and
/// the descriptor count back where it was afterwards. Counts descriptors, so it runs alone.
/// </summary>
[Collection(Support.DescriptorAccountingCollection.Name)]
public partial class AsyncScaleTests(ITestOutputHelper output)
{
    private const int Connections = 10_000;

    /// <summary>Connections made but not welcomed by the server yet, at most: below the listen backlog (somaxconn is 4096), so no SYN is dropped.</summary>
    private const int Unaccepted = 1024;

    private const int RLIMIT_NOFILE = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current, Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);

    [Fact]
    public async Task TenThousandConnectionsEchoAtOnce()
    {
        // Both ends in this process take two descriptors per connection: raise the limit when it is lower than that
        // (root may raise the hard limit up to fs.nr_open, given CAP_SYS_RESOURCE). Without the capability the
        // server end runs in a child process, and this process holds the 10,000 client ends.
        Assert.Equal(0, GetRLimit(RLIMIT_NOFILE, out var original));
        ulong needed = 2 * Connections + 2048;
        bool bothEndsHere = original.Current >= needed;
        if (!bothEndsHere)
        {
            ulong ceiling = ulong.Parse(File.ReadAllText("/proc/sys/fs/nr_open").Trim(), CultureInfo.InvariantCulture);
            var raised = new RLimit { Current = needed, Maximum = Math.Max(original.Maximum, needed) };
            bothEndsHere = ceiling >= needed && SetRLimit(RLIMIT_NOFILE, raised) == 0;
        }
        try
        {
            await WarmUp();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = DescriptorAccounting.Snapshot().Select(d => $"{d.Key} -> {d.Value}").ToArray();
            var clock = Stopwatch.StartNew();
            if (bothEndsHere) await Task.Run(EchoInThisProcess).WaitAsync(TimeSpan.FromMinutes(2));
            else await Task.Run(EchoWithAChildServer).WaitAsync(TimeSpan.FromMinutes(2));
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var after = DescriptorAccounting.Snapshot().Select(d => $"{d.Key} -> {d.Value}").ToArray();
            output.WriteLine($"{Connections} connections ({(bothEndsHere ? "both ends in this process" : "server ends in a child process: the descriptor limit could not be raised")}) " +
                $"echoed in {clock.Elapsed.TotalSeconds:F1} s; descriptors {before.Length} -> {after.Length}");
            Assert.True(before.Length == after.Length,
                $"descriptor count {before.Length} -> {after.Length}; new: {string.Join(", ", after.Except(before))}; gone: {string.Join(", ", before.Except(after))}");
        }
        finally
        {
            // Put the limit back, so that the other tests see the machine as it is.
            Assert.Equal(0, SetRLimit(RLIMIT_NOFILE, original));
        }
    }

    /// <summary>
    /// Opens what the process opens once, before the count: the engine's epoll instance (a first async call that
    /// waits), and the runtime's child-process plumbing (a first child process).
    /// </summary>
    private static async Task WarmUp()
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            var receiving = a.RecvAsync(new byte[1]);
            Assert.Equal(1L, b.Send("w"u8));
            Assert.Equal(1, await receiving.Within());
        }
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("pass");
        using var child = Process.Start(psi)!;
        await child.StandardOutput.ReadToEndAsync().WaitAsync(Limit);
        await child.StandardError.ReadToEndAsync().WaitAsync(Limit);
        await child.WaitForExitAsync().WaitAsync(Limit);
        CloseStreams(child);
    }

    /// <summary>Closes the pipes of a child's redirected output now (Process.Dispose leaves them to the finalizer).</summary>
    private static void CloseStreams(Process child)
    {
        child.StandardOutput.Dispose();
        child.StandardError.Dispose();
    }

    /// <summary>Client and server ends here: AcceptAsync and the servers' calls at scale too.</summary>
    private static async Task EchoInThisProcess()
    {
        using var listener = TcpListener(backlog: 4096);
        var servers = new Task[Connections];
        var accepting = Task.Run(async () =>
        {
            for (int i = 0; i < Connections; i++) servers[i] = Serve(await listener.AcceptAsync().Within());
        });
        await RunClients(listener.SockName()!);
        await accepting.Within();
        await Task.WhenAll(servers).WaitAsync(TimeSpan.FromMinutes(1));
    }

    /// <summary>The server ends in python3 (selectors over epoll), the same protocol as <see cref="Serve"/>.</summary>
    private const string ChildServer = """
        import selectors, socket, sys
        count = int(sys.argv[1])
        sel = selectors.DefaultSelector()
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(4096)
        listener.setblocking(False)
        sel.register(listener, selectors.EVENT_READ)
        print(listener.getsockname()[1], flush=True)
        echoed = {}
        closed = 0
        while closed < count:
            events = sel.select(timeout=60)
            if not events:
                sys.exit("idle for 60 s with %d of %d connections closed" % (closed, count))
            for key, _ in events:
                s = key.fileobj
                if s is listener:
                    while True:
                        try:
                            conn, _ = listener.accept()
                        except BlockingIOError:
                            break
                        conn.setblocking(False)
                        conn.send(b"W")
                        echoed[conn] = 0
                        sel.register(conn, selectors.EVENT_READ)
                    continue
                data = s.recv(64)
                if data:
                    s.send(data)
                    echoed[s] += len(data)
                    if echoed[s] >= 8:
                        s.shutdown(socket.SHUT_WR)
                else:
                    sel.unregister(s)
                    del echoed[s]
                    s.close()
                    closed += 1
        print("served", closed, flush=True)
        """;

    private static async Task EchoWithAChildServer()
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(ChildServer);
        psi.ArgumentList.Add(Connections.ToString(CultureInfo.InvariantCulture));
        using var child = Process.Start(psi)!;
        var errors = child.StandardError.ReadToEndAsync();
        try
        {
            string? port = await child.StandardOutput.ReadLineAsync().WaitAsync(Limit);
            if (port is null) Assert.Fail("the child server did not start: " + await errors.WaitAsync(Limit));
            await RunClients($"127.0.0.1:{port}");
            Assert.Equal($"served {Connections}", await child.StandardOutput.ReadLineAsync().WaitAsync(Limit));
            await child.WaitForExitAsync().WaitAsync(Limit);
            string said = await errors.WaitAsync(Limit);
            Assert.True(child.ExitCode == 0, said);
        }
        catch (Exception e)
        {
            if (!child.HasExited) child.Kill();
            throw new Xunit.Sdk.XunitException($"{e.GetType().Name}: {e.Message}; the child server said: {await errors.WaitAsync(Limit)}");
        }
        finally
        {
            if (!child.HasExited) child.Kill();
            await child.WaitForExitAsync().WaitAsync(Limit);
            CloseStreams(child);
        }
    }

    /// <summary>
    /// Opens <see cref="Connections"/> connections (each counts once the server's welcome arrived; at most
    /// <see cref="Unaccepted"/> wait for theirs, so the listen queue never overflows), then has every one echo a
    /// message of its own, all at once, and read the server's end.
    /// </summary>
    private static async Task RunClients(object address)
    {
        s_connected = s_welcomed = s_echoed = 0;
        try
        {
            await RunClientsCore(address);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{e.GetType().Name}: {e.Message} ({s_connected} connected, {s_welcomed} welcomed, {s_echoed} echoed)");
        }
    }

    private static int s_connected, s_welcomed, s_echoed;

    private static async Task RunClientsCore(object address)
    {
        using var room = new SemaphoreSlim(Unaccepted);
        var clients = new SocketHandle[Connections];
        var welcomed = new Task[Connections];
        try
        {
            for (int i = 0; i < Connections; i++)
            {
                Assert.True(await room.WaitAsync(Limit), "the server stopped accepting");
                clients[i] = Create(AF_INET, SOCK_STREAM)!;
                await clients[i].ConnectAsync(address).Within();
                s_connected++;
                welcomed[i] = Welcome(clients[i], room);
            }
            await Task.WhenAll(welcomed).WaitAsync(TimeSpan.FromMinutes(1));

            // Every connection open at once: each client sends its number and waits for it to come back.
            var echoes = new Task[Connections];
            for (int i = 0; i < Connections; i++) echoes[i] = Echo(clients[i], i);
            await Task.WhenAll(echoes).WaitAsync(TimeSpan.FromMinutes(1));
        }
        finally
        {
            foreach (var c in clients) c?.Dispose();
        }
    }

    // The per-connection tasks are bounded by the waits on all of them together, not each by a timer of its own.

    private static async Task Welcome(SocketHandle client, SemaphoreSlim room)
    {
        var buffer = new byte[1];
        Assert.Equal(1, await client.RecvAsync(buffer));
        Assert.Equal((byte)'W', buffer[0]);
        Interlocked.Increment(ref s_welcomed);
        room.Release();
    }

    /// <summary>
    /// The server end: a welcome, then it echoes what comes until the message is whole, closes its sending side
    /// first (so that TIME_WAIT holds no client port), and waits for the client's end.
    /// </summary>
    private static async Task Serve(SocketHandle server)
    {
        using (server)
        {
            Assert.Equal(1, await server.SendAsync("W"u8.ToArray()));
            var buffer = new byte[8];
            int done = 0;
            while (done < buffer.Length)
            {
                int n = await server.RecvAsync(buffer.AsMemory(done));
                Assert.True(n > 0, "the client closed before its message was whole");
                Assert.Equal(n, await server.SendAsync(buffer.AsMemory(done, n)));
                done += n;
            }
            Assert.True(server.Shutdown(SHUT_WR));
            Assert.Equal(0, await server.RecvAsync(buffer));
        }
    }

    private static async Task Echo(SocketHandle client, int index)
    {
        var message = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(message, 0x5EC0_0000_0000L + index);
        Assert.Equal(8, await client.SendAsync(message));
        var echoed = new byte[8];
        int done = 0;
        while (done < echoed.Length)
        {
            int n = await client.RecvAsync(echoed.AsMemory(done));
            Assert.True(n > 0, "end of stream before the echo was whole");
            done += n;
        }
        Assert.Equal(message, echoed);
        Interlocked.Increment(ref s_echoed);
        Assert.Equal(0, await client.RecvAsync(echoed)); // the server's end
        client.Dispose();
    }
}
