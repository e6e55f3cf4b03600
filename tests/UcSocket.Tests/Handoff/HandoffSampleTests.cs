using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Tmds.Linux;
using UcSocket.Tests.Messages;
using Io = UcSocket.Tests.Messages.Native;
using UcSocket.Tests.Support;
using Xunit;

namespace UcSocket.Tests.Handoff;

/// <summary>
/// End to end, with the sample's build output (<c>samples/UcSocket.Handoff</c>, run as <c>dotnet UcSocket.Handoff.dll</c>):
/// clients stream data to the echo service while its listening socket and live connections move to a new worker
/// process three times (twice with <c>handoff upgrade</c>, once with SIGHUP to the supervisor). Every byte must
/// come back in order, no client may see an error, a new connection made at any moment must be served, every old
/// worker must have exited, and no descriptor or process may be left. The clients use System.Net.Sockets, so that
/// nothing of the library checks the library.
/// </summary>
[Collection(DescriptorAccountingCollection.Name)]
public sealed class HandoffSampleTests
{
    private const int StreamingClients = 6;
    private const int Handovers = 3;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(50);

    private static string SampleDll
    {
        get
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "UcSocket.Handoff.dll");
            Assert.True(File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")), $"the sample's build output is not beside the tests: {dll}");
            return dll;
        }
    }

    [Fact]
    public async Task ClientsSeeNoErrorAndNoLostByteAcrossThreeHandovers()
    {
        using var deadline = new CancellationTokenSource(Limit);
        var token = deadline.Token;
        await WarmUpAsync(token);
        var baseline = ChannelDescriptors();
        var directory = Directory.CreateTempSubdirectory("handoff-test-");
        string control = Path.Combine(directory.FullName, "control.sock");
        var supervisor = SampleProcess.Start(SampleDll, "run", "--listen", "127.0.0.1:0", "--control", control);
        var clients = new List<StreamingClient>();
        bool passed = false;
        try
        {
            var ready = await supervisor.WaitForLineAsync(@"listening on 127\.0\.0\.1:(\d+) \(worker (\d+), generation 1\)", token);
            int port = int.Parse(ready.Groups[1].Value, CultureInfo.InvariantCulture);
            int worker = int.Parse(ready.Groups[2].Value, CultureInfo.InvariantCulture);
            ulong listenerInode = ListeningSocketInode(port);
            Assert.Contains(listenerInode, SocketInodes(worker));
            Assert.DoesNotContain(listenerInode, SocketInodes(supervisor.Id)); // its copy closed once the worker had it

            for (int i = 0; i < StreamingClients; i++) clients.Add(await StreamingClient.ConnectAsync(port, i, token));
            using var stopConnecting = new CancellationTokenSource();
            var connector = new Connector(port);
            var connecting = connector.RunAsync(stopConnecting.Token, token);
            await WaitForProgressAsync(clients, connector, connecting, supervisor, 64 * 1024, token);

            for (int handover = 1; handover <= Handovers; handover++)
            {
                int generation = handover + 1;
                string reply;
                if (handover == 2)
                {
                    Assert.Equal(0, LibC.kill(supervisor.Id, 1 /* SIGHUP */));
                    reply = (await supervisor.WaitForLineAsync($@"\] (\S+ generation {generation} .*)$", token)).Groups[1].Value;
                }
                else
                {
                    reply = (await SampleProcess.RunAsync(SampleDll, token, "upgrade", "--control", control)).Trim();
                }
                var done = Regex.Match(reply, $@"^ok generation {generation} worker (\d+) took over (\d+) connections from worker (\d+), which exited with code 0$");
                Assert.True(done.Success, $"handover {handover}: {reply}\n{supervisor.Output}");
                int next = int.Parse(done.Groups[1].Value, CultureInfo.InvariantCulture);
                Assert.Equal(worker, int.Parse(done.Groups[3].Value, CultureInfo.InvariantCulture));
                Assert.True(int.Parse(done.Groups[2].Value, CultureInfo.InvariantCulture) >= StreamingClients, reply);
                Assert.False(Directory.Exists($"/proc/{worker}"), $"worker {worker} is still there after handing over");
                Assert.Contains(listenerInode, SocketInodes(next)); // the same listening socket, not a new one
                worker = next;
                // Every connection goes on echoing after the handover, in the new worker.
                await WaitForProgressAsync(clients, connector, connecting, supervisor, 32 * 1024, token);
            }

            stopConnecting.Cancel();
            await connecting;
            Assert.True(connector.Rounds > 0, "the connector never completed a round");

            // The serving worker holds the listener, its channel to the supervisor and one socket per client; the
            // supervisor its control socket and that channel. (A connection the connector just closed may take a
            // moment to close on the server too.)
            await WaitUntilAsync(() => SocketInodes(worker).Count == StreamingClients + 2, token,
                () => $"worker {worker} holds {SocketInodes(worker).Count} sockets, expected {StreamingClients + 2}");
            Assert.Equal(2, SocketInodes(supervisor.Id).Count);

            foreach (var client in clients) await client.FinishAsync(token);
            Assert.All(clients, c => Assert.True(c.Echoed > 0));

            string stopped = (await SampleProcess.RunAsync(SampleDll, token, "stop", "--control", control)).Trim();
            Assert.Equal($"ok stopped worker {worker} (exit code 0)", stopped);
            await supervisor.WaitForExitAsync(token);
            Assert.Equal(0, supervisor.ExitCode);
            Assert.False(Directory.Exists($"/proc/{worker}"));
            Assert.False(File.Exists(control), "the control socket's path was left behind");
            passed = true;
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{ex}\n--- sample output ---\n{supervisor.Output}");
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
            if (!passed) supervisor.KillEverything();
            supervisor.Dispose();
            directory.Delete(recursive: true);
        }
        await WaitUntilAsync(() => ChannelDescriptors().Count == baseline.Count, CancellationToken.None,
            () => $"sockets, pipes and event descriptors {ChannelDescriptors().Count}, {baseline.Count} before the test; " +
                  $"new: {string.Join(", ", ChannelDescriptors().Except(baseline))}; gone: {string.Join(", ", baseline.Except(ChannelDescriptors()))}");
    }

    /// <summary>
    /// Makes the runtime open what it opens once per process (the socket engine's epoll, the child-process
    /// machinery's pipes), so that the count before the test is the count after: a sample command run to its end
    /// (here: one that finds no supervisor) and a loopback exchange with System.Net.Sockets.
    /// </summary>
    private static async Task WarmUpAsync(CancellationToken token)
    {
        string nowhere = Path.Combine(Path.GetTempPath(), $"handoff-test-{Environment.ProcessId}-none.sock");
        string output = await SampleProcess.RunAsync(SampleDll, token, "status", "--control", nowhere);
        Assert.Contains($"no supervisor at {nowhere}", output);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!, token);
        using var server = await listener.AcceptAsync(token);
        await client.SendAsync(new byte[] { 1 }, SocketFlags.None, token);
        Assert.Equal(1, await server.ReceiveAsync(new byte[1], SocketFlags.None, token));
    }

    /// <summary>This process's descriptors of sockets, pipes and anonymous inodes (epoll, eventfd): not the files the runtime maps.</summary>
    private static List<string> ChannelDescriptors()
    {
        DescriptorAccounting.Collect();
        return DescriptorAccounting.Snapshot().Select(d => $"{d.Key} -> {d.Value}")
            .Where(d => d.Contains("-> socket:", StringComparison.Ordinal) || d.Contains("-> pipe:", StringComparison.Ordinal)
                || d.Contains("-> anon_inode:", StringComparison.Ordinal)).ToList();
    }

    /// <summary>Waits until every streaming client got at least <paramref name="bytes"/> more echoed, failing on any client error.</summary>
    private static async Task WaitForProgressAsync(List<StreamingClient> clients, Connector connector, Task connecting, SampleProcess supervisor,
        long bytes, CancellationToken token)
    {
        var targets = clients.Select(c => c.Echoed + bytes).ToArray();
        int rounds = connector.Rounds;
        await WaitUntilAsync(() =>
        {
            foreach (var c in clients) c.ThrowIfFailed();
            if (connecting.IsFaulted) connecting.GetAwaiter().GetResult();
            return clients.Select((c, i) => c.Echoed >= targets[i]).All(x => x) && connector.Rounds > rounds;
        }, token, () => $"echoed: {string.Join(", ", clients.Select(c => c.Echoed))}; targets {string.Join(", ", targets)}; connector rounds {connector.Rounds}\n{supervisor.Output}");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken token, Func<string> describe)
    {
        var limit = Stopwatch.StartNew();
        while (!condition())
        {
            if (token.IsCancellationRequested || limit.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail("timed out: " + describe());
            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>
    /// The inodes of the sockets process <paramref name="pid"/> has descriptors for (readlink /proc/PID/fd/N =
    /// socket:[INODE]), without the diagnostics socket every .NET process listens on (dotnet-diagnostic-PID-...).
    /// </summary>
    private static HashSet<ulong> SocketInodes(int pid)
    {
        var runtimes = new HashSet<ulong>();
        foreach (var line in File.ReadLines("/proc/net/unix").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 7 && fields[7].Contains("/dotnet-diagnostic-", StringComparison.Ordinal))
                runtimes.Add(ulong.Parse(fields[6], CultureInfo.InvariantCulture));
        }
        var inodes = new HashSet<ulong>();
        foreach (var link in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(link).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }
            var m = target is null ? Match.Empty : Regex.Match(target, @"^socket:\[(\d+)\]$");
            if (m.Success && ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) is var inode && !runtimes.Contains(inode)) inodes.Add(inode);
        }
        return inodes;
    }

    /// <summary>The inode of the TCP socket listening on 127.0.0.1:<paramref name="port"/>, from /proc/net/tcp (state 0A is LISTEN).</summary>
    private static ulong ListeningSocketInode(int port)
    {
        string local = "0100007F:" + port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields[1] == local && fields[3] == "0A") return ulong.Parse(fields[9], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"no listening socket on port {port} in /proc/net/tcp");
    }

    /// <summary>The byte at <paramref name="position"/> of client <paramref name="client"/>'s stream.</summary>
    private static byte Pattern(int client, long position)
    {
        ulong x = ((ulong)position ^ ((ulong)client << 48)) * 0xD6E8FEB86659FD93UL;
        return (byte)(x ^ (x >> 32));
    }

    /// <summary>A client that streams its pattern continuously and checks every byte of the echo, in order.</summary>
    private sealed class StreamingClient : IDisposable
    {
        private readonly Socket _socket;
        private readonly int _id;
        private readonly CancellationToken _token;
        private long _sent, _echoed;
        private volatile bool _stopSending;
        private Task _sending = Task.CompletedTask, _receiving = Task.CompletedTask;

        private StreamingClient(Socket socket, int id, CancellationToken token)
        {
            _socket = socket;
            _id = id;
            _token = token;
        }

        public long Echoed => Interlocked.Read(ref _echoed);

        public static async Task<StreamingClient> ConnectAsync(int port, int id, CancellationToken token)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), token);
            var client = new StreamingClient(socket, id, token);
            client._sending = Task.Run(client.SendAsync, token);
            client._receiving = Task.Run(client.ReceiveAsync, token);
            return client;
        }

        private async Task SendAsync()
        {
            var random = new Random(_id * 7919 + 1);
            var chunk = new byte[4096];
            while (!_stopSending)
            {
                int length = random.Next(1, chunk.Length + 1);
                for (int i = 0; i < length; i++) chunk[i] = Pattern(_id, _sent + i);
                int sent = 0;
                while (sent < length) sent += await _socket.SendAsync(chunk.AsMemory(sent, length - sent), SocketFlags.None, _token);
                Interlocked.Add(ref _sent, length);
                await Task.Delay(2, _token);
            }
            _socket.Shutdown(SocketShutdown.Send);
        }

        private async Task ReceiveAsync()
        {
            var buffer = new byte[16384];
            while (true)
            {
                int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _token);
                if (n == 0) return;
                long at = Interlocked.Read(ref _echoed);
                for (int i = 0; i < n; i++)
                    if (buffer[i] != Pattern(_id, at + i))
                        throw new InvalidDataException($"client {_id}: byte {at + i} came back as {buffer[i]}, sent as {Pattern(_id, at + i)}");
                Interlocked.Add(ref _echoed, n);
            }
        }

        public void ThrowIfFailed()
        {
            if (_sending.IsFaulted) _sending.GetAwaiter().GetResult();
            if (_receiving.IsFaulted) _receiving.GetAwaiter().GetResult();
        }

        /// <summary>Stops sending, half-closes, and checks that the echo ends exactly after the last byte sent.</summary>
        public async Task FinishAsync(CancellationToken token)
        {
            _stopSending = true;
            await _sending.WaitAsync(token);
            await _receiving.WaitAsync(token);
            Assert.Equal(Interlocked.Read(ref _sent), Echoed);
        }

        public void Dispose() => _socket.Dispose();
    }

    /// <summary>Makes one short connection after another (connect, send, read the echo to the end), through every handover.</summary>
    private sealed class Connector(int port)
    {
        private int _rounds;

        public int Rounds => Volatile.Read(ref _rounds);

        public async Task RunAsync(CancellationToken stop, CancellationToken token)
        {
            var random = new Random(4242);
            while (!stop.IsCancellationRequested)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), token); // a refusal fails the test
                var data = new byte[random.Next(1, 2000)];
                random.NextBytes(data);
                await socket.SendAsync(data, SocketFlags.None, token);
                socket.Shutdown(SocketShutdown.Send);
                var echo = new MemoryStream();
                var buffer = new byte[4096];
                int n;
                while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, token)) > 0) echo.Write(buffer, 0, n);
                Assert.Equal(data, echo.ToArray());
                Interlocked.Increment(ref _rounds);
            }
        }
    }

    /// <summary>The sample run as <c>dotnet UcSocket.Handoff.dll ...</c>, its output (and its workers') collected line by line.</summary>
    private sealed class SampleProcess : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = new();
        private readonly SemaphoreSlim _newLine = new(0);

        private SampleProcess(Process process) => _process = process;

        public int Id => _process.Id;

        public int ExitCode => _process.ExitCode;

        public string Output
        {
            get
            {
                lock (_lines) return string.Join('\n', _lines);
            }
        }

        public static SampleProcess Start(string dll, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(dll);
            foreach (var a in args) start.ArgumentList.Add(a);
            var sample = new SampleProcess(new Process { StartInfo = start });
            sample._process.OutputDataReceived += (_, e) => sample.Add(e.Data);
            sample._process.ErrorDataReceived += (_, e) => sample.Add(e.Data);
            sample._process.Start();
            sample._process.BeginOutputReadLine();
            sample._process.BeginErrorReadLine();
            return sample;
        }

        /// <summary>Runs a command of the sample to its end; its standard output.</summary>
        public static async Task<string> RunAsync(string dll, CancellationToken token, params string[] args)
        {
            using var command = Start(dll, args);
            await command.WaitForExitAsync(token);
            return command.Output;
        }

        private void Add(string? line)
        {
            if (line is null) return;
            lock (_lines) _lines.Add(line);
            _newLine.Release();
        }

        /// <summary>Waits for a line matching <paramref name="pattern"/>, counting from the start of the output.</summary>
        public async Task<Match> WaitForLineAsync(string pattern, CancellationToken token)
        {
            var regex = new Regex(pattern);
            while (true)
            {
                lock (_lines)
                {
                    foreach (var line in _lines)
                        if (regex.Match(line) is { Success: true } m) return m;
                }
                if (_process.HasExited) Assert.Fail($"the sample exited ({_process.ExitCode}) before printing /{pattern}/:\n{Output}");
                await _newLine.WaitAsync(TimeSpan.FromMilliseconds(200), token);
            }
        }

        public async Task WaitForExitAsync(CancellationToken token) => await _process.WaitForExitAsync(token);

        /// <summary>
        /// After a failure: kills the supervisor and every worker it printed, by process id, each only if it still
        /// runs this sample (a number may have been reused).
        /// </summary>
        public void KillEverything()
        {
            var pids = Regex.Matches(Output, @"\[(?:worker|supervisor) (\d+)").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Append(_process.Id).Distinct();
            foreach (int pid in pids)
            {
                try
                {
                    if (File.ReadAllText($"/proc/{pid}/cmdline").Contains("UcSocket.Handoff.dll", StringComparison.Ordinal)) LibC.kill(pid, 9 /* SIGKILL */);
                }
                catch (IOException)
                {
                    // gone already
                }
            }
            if (!_process.HasExited) _process.WaitForExit(10_000);
        }

        public void Dispose() => _process.Dispose();
    }
}
