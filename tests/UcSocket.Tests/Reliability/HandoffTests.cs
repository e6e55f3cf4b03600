using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using UcSocket.TestPeer;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Reliability;

/// <summary>
/// Handing a socket to another process: this process accepts a TCP connection (or owns a listener) on 127.0.0.1,
/// passes it over a UNIX socket with SCM_RIGHTS to a child process (UcSocket.TestPeer), and disposes its own
/// handle; the child then serves it, and no client notices. Each test starts one child. The long campaign runs
/// these tests again and again: tools/handoff-campaign.sh (100 runs by default). They run alone: a child's
/// start-up and two clients connecting without pause are a load that timed tests running beside them would feel.
/// </summary>
[Collection(DescriptorAccountingCollection.Name)]
public sealed class HandoffTests
{
    private const int TimeoutSeconds = 20;

    [Fact]
    public void AConnectionHandedToAChildKeepsWorkingBothWays()
    {
        using var listener = BlockingPeers.TcpListener();
        using var client = Create(AF_INET, SOCK_STREAM)!;
        LineChannel.SetTimeouts(client, TimeoutSeconds);
        Assert.True(client.Connect(listener.SockName()!), client.Error());
        var connection = listener.Accept();
        Assert.True(connection is not null, listener.Error());
        LineChannel.SetTimeouts(connection!, TimeoutSeconds);
        var atClient = new LineChannel(client);
        var atParent = new LineChannel(connection!);

        // The connection works here first.
        atClient.WriteLine("to the parent");
        Assert.Equal("to the parent", atParent.ReadLine());
        atParent.WriteLine("from the parent");
        Assert.Equal("from the parent", atClient.ReadLine());

        using var child = Peer.Start("take-connection");
        child.Hand(connection!);
        connection!.Dispose(); // the child's copy of the socket must not notice
        child.ExpectLine("ready");

        ExpectLine(atClient, $"hello from child {child.Id}", child);
        for (int i = 1; i <= 5; i++)
        {
            atClient.WriteLine($"ping {i}");
            ExpectLine(atClient, $"child {child.Id}: ping {i}", child);
        }
        atClient.WriteLine("bye");
        ExpectLine(atClient, "bye", child);
        Assert.Null(atClient.ReadLine()); // the child closed it, after bye
        child.ExpectLine("done 5");
        child.ExpectExit();
    }

    [Fact]
    public void AListenerHandedToAChildWhileClientsConnectLosesNoClient()
    {
        using var listener = BlockingPeers.TcpListener(backlog: 128);
        var address = listener.SockName()!;
        using var child = Peer.Start("take-listener");

        using var stopClients = new CancellationTokenSource();
        var clients = new List<Thread>();
        var errors = new List<string>();
        int connections = 0, byParent = 0, byChild = 0;
        for (int c = 0; c < 2; c++)
        {
            int id = c;
            var thread = new Thread(() =>
            {
                for (int n = 0; !stopClients.IsCancellationRequested; n++)
                {
                    string? error = Converse(address, $"hello {id}-{n}", out string? answer);
                    Interlocked.Increment(ref connections);
                    if (answer == $"parent: hello {id}-{n}") Interlocked.Increment(ref byParent);
                    else if (answer == $"child: hello {id}-{n}") Interlocked.Increment(ref byChild);
                    else error ??= $"unexpected answer \"{answer}\"";
                    if (error is not null)
                        lock (errors) errors.Add($"client {id}, connection {n}: {error}");
                    Thread.Sleep(1);
                }
            }) { IsBackground = true, Name = $"client {id}" };
            clients.Add(thread);
            thread.Start();
        }

        try
        {
            // This process serves first, without ever blocking in Accept (a close then has no call to wake).
            var watch = Stopwatch.StartNew();
            int served = 0;
            while (served < 20 && watch.Elapsed < TimeSpan.FromSeconds(TimeoutSeconds))
            {
                var ready = Sockets.Poll(20, listener);
                Assert.True(ready is not null, Error());
                if (ready!.Count == 0) continue;
                using var connection = listener.Accept();
                Assert.True(connection is not null, listener.Error());
                LineChannel.SetTimeouts(connection!, TimeoutSeconds);
                var channel = new LineChannel(connection!);
                channel.WriteLine("parent: " + channel.ReadLine());
                served++;
            }

            child.Hand(listener);
            listener.Dispose(); // connections keep queueing on the socket the child now holds
            child.ExpectLine("ready");

            watch.Restart();
            int handedOver = Volatile.Read(ref connections);
            while (Volatile.Read(ref byChild) < 20 || Volatile.Read(ref connections) < handedOver + 20)
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(TimeoutSeconds) || !child.IsRunning) break;
                lock (errors) if (errors.Count > 0) break;
                Thread.Sleep(10);
            }
        }
        finally
        {
            stopClients.Cancel();
            foreach (var t in clients) Assert.True(t.Join(TimeSpan.FromSeconds(TimeoutSeconds)), $"{t.Name} did not stop");
        }

        lock (errors) Assert.True(errors.Count == 0, $"{errors.Count} of {connections} connections failed:\n" + string.Join("\n", errors.GetRange(0, Math.Min(10, errors.Count))) + child.Describe());
        Assert.True(byParent > 0 && byChild > 0, $"served by this process: {byParent}, by the child: {byChild}");
        child.Send("stop");
        child.ExpectLine($"served {byChild}");
        child.ExpectExit();
        Assert.Equal(connections, byParent + byChild);
    }

    /// <summary>One client connection: sends a line, reads the answer. Null, or what went wrong.</summary>
    private static string? Converse(SocketAddress address, string line, out string? answer)
    {
        answer = null;
        using var s = Create(AF_INET, SOCK_STREAM)!;
        try
        {
            LineChannel.SetTimeouts(s, TimeoutSeconds);
            if (s.Connect(address) is null) return s.Error();
            var channel = new LineChannel(s);
            channel.WriteLine(line);
            answer = channel.ReadLine();
            return answer is null ? "end of file before an answer" : null;
        }
        catch (IOException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The client reads <paramref name="expected"/> next.</summary>
    private static void ExpectLine(LineChannel client, string expected, Peer child)
    {
        string? line;
        try
        {
            line = client.ReadLine() ?? "(end of file)";
        }
        catch (IOException ex)
        {
            line = ex.Message;
        }
        Assert.True(line == expected, $"the client read \"{line}\", expected \"{expected}\"" + child.Describe());
    }

    /// <summary>
    /// A UcSocket.TestPeer child process started with <c>dotnet exec</c> and connected to this process over a UNIX
    /// socket with an abstract name: the socket is handed to it there, and it reports there.
    /// </summary>
    private sealed class Peer : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr;
        private readonly SocketHandle _control;
        private readonly LineChannel _channel;

        private Peer(Process process, StringBuilder stderr, SocketHandle control)
        {
            _process = process;
            _stderr = stderr;
            _control = control;
            _channel = new LineChannel(control);
        }

        public int Id => _process.Id;

        public bool IsRunning => !_process.HasExited;

        public static Peer Start(string mode)
        {
            string dll = typeof(LineChannel).Assembly.Location;
            Assert.True(File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")), $"no runtimeconfig beside {dll}");
            string name = "@ucsocket-handoff-" + Guid.NewGuid().ToString("N");
            using var listener = Create(AF_UNIX, SOCK_STREAM)!;
            Assert.True(listener.Bind(name), listener.Error());
            Assert.True(listener.Listen(1), listener.Error());

            var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { "exec", dll, mode, name }) psi.ArgumentList.Add(a);
            var process = Process.Start(psi)!;
            var stderr = new StringBuilder();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data);
            };
            process.BeginErrorReadLine();
            process.OutputDataReceived += (_, _) => { };
            process.BeginOutputReadLine();

            // The child connects once it has started; a child that fails first shows its stderr.
            var ready = Sockets.Poll(TimeoutSeconds * 1000, listener);
            var control = ready is { Count: 1 } ? listener.Accept() : null;
            if (control is null)
            {
                bool exited = process.WaitForExit(1000);
                if (!exited) process.Kill();
                lock (stderr) Assert.Fail($"the child did not connect within {TimeoutSeconds} s{(exited ? $", exit code {process.ExitCode}" : "")}: {stderr}");
            }
            LineChannel.SetTimeouts(control!, TimeoutSeconds);
            return new Peer(process, stderr, control!);
        }

        /// <summary>Passes <paramref name="socket"/> to the child (SCM_RIGHTS).</summary>
        public void Hand(SocketHandle socket)
        {
            long? sent = _control.SendMsg("s", new[] { ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(socket.SafeHandle)) });
            Assert.True(sent == 1, _control.Error());
        }

        public void Send(string line) => _channel.WriteLine(line);

        public void ExpectLine(string expected)
        {
            string? line;
            try
            {
                line = _channel.ReadLine();
            }
            catch (IOException ex)
            {
                line = ex.Message;
            }
            Assert.True(line == expected, $"the child said \"{line ?? "(end of file)"}\", expected \"{expected}\"" + Describe());
        }

        public void ExpectExit()
        {
            Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(TimeoutSeconds)), "the child did not exit" + Describe());
            _process.WaitForExit();
            Assert.True(_process.ExitCode == 0, $"the child exited with {_process.ExitCode}" + Describe());
        }

        /// <summary>The child's state and stderr, for a failure message.</summary>
        public string Describe()
        {
            string state = _process.HasExited ? $"exited with {_process.ExitCode}" : "running";
            lock (_stderr) return $"\n[child {Id} {state}; stderr: {_stderr}]";
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
            _process.Dispose();
            _control.Dispose();
        }
    }
}
