using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using static UcSocket.Sockets;

namespace UcSocket.Handoff;

/// <summary>
/// The process you start (<c>handoff run</c>): creates the listening socket, starts worker processes and moves the
/// service from one to the next on <c>handoff upgrade</c> or SIGHUP. It serves no client itself and keeps no copy
/// of the listening socket once the first worker has it: at any instant the serving sockets live in the current
/// worker, or during a handover in the old and the new one.
/// </summary>
/// <remarks>
/// The control socket (a UNIX <c>SOCK_SEQPACKET</c> socket at a path) takes one command per connection:
/// <c>upgrade</c>, <c>status</c> and <c>stop</c> from the command line, <c>hello</c> from a worker it is starting, whose
/// connection then stays open as that worker's channel (any other peer, told apart by its pid from
/// <see cref="SocketHandle.PeerCred"/>, is turned away).
/// </remarks>
internal sealed class Supervisor
{
    // Starting a .NET process on a busy machine can take seconds; a handover of thousands of connections too.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private readonly string _controlPath;
    private readonly SemaphoreSlim _gate = new(1, 1); // one upgrade or stop at a time
    private readonly Dictionary<int, TaskCompletionSource<MessageChannel>> _hellos = new(); // pid -> the worker's hello, while it starts
    private readonly TaskCompletionSource<int> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile WorkerProcess? _current;
    private bool _stopping;

    private Supervisor(string controlPath) => _controlPath = controlPath;

    private static void Log(string text) => Console.WriteLine($"[supervisor {Environment.ProcessId}] {text}");

    /// <summary>A worker process, its channel and the messages it sent.</summary>
    private sealed class WorkerProcess(Process process, int generation, MessageChannel channel)
    {
        public Process Process { get; } = process;
        public int Pid { get; } = process.Id;
        public int Generation { get; } = generation;
        public MessageChannel Channel { get; } = channel;
        public Channel<Message> Inbox { get; } = System.Threading.Channels.Channel.CreateUnbounded<Message>();

        /// <summary>Told to hand over or stop: its channel closing is expected.</summary>
        public volatile bool Retiring;
    }

    /// <summary>Runs the service until <c>handoff stop</c>, SIGINT or SIGTERM; the exit code.</summary>
    public static async Task<int> RunAsync(string listen, string controlPath)
    {
        var supervisor = new Supervisor(controlPath);
        return await supervisor.RunAsync(listen);
    }

    private async Task<int> RunAsync(string listen)
    {
        if (!TrySplitHostPort(listen, out string host, out string port))
        {
            Console.Error.WriteLine($"handoff: --listen wants HOST:PORT, e.g. 127.0.0.1:7070 or [::1]:7070, not \"{listen}\"");
            return 2;
        }
        var listener = Listen(host, port, null, backlog: 4096, reuseAddr: true);
        if (listener is null)
        {
            Console.Error.WriteLine($"handoff: cannot listen on {listen}: {Error()}");
            return 1;
        }
        using var control = BindControlSocket();
        if (control is null)
        {
            listener.Dispose();
            return 1;
        }
        var accepting = AcceptControlAsync(control);

        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _ = Task.Run(async () => Log(await UpgradeAsync()));
        });
        Action<PosixSignalContext> stop = context =>
        {
            context.Cancel = true;
            _ = Task.Run(async () =>
            {
                Log(await StopAsync());
                _finished.TrySetResult(0);
            });
        };
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, stop);

        string where = listener.SockName()?.ToString() ?? listen;
        try
        {
            var first = await StartWorkerAsync(1);
            using (listener)
            {
                await first.Channel.SendAsync("serve", listener);
                await ExpectAsync(first, "serving");
            } // our copy of the listening socket closes: the worker's is the only one now
            _current = first;
            Log($"listening on {where} (worker {first.Pid}, generation 1); control socket {_controlPath}");
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or InvalidDataException or UcSocketException)
        {
            Log($"the first worker did not start serving: {ex.Message}");
            listener.Dispose();
            _finished.TrySetResult(1);
        }

        int code = await _finished.Task;
        control.Dispose();
        await accepting;
        File.Delete(_controlPath);
        return code;
    }

    /// <summary>The control socket at its path; a stale one (no supervisor behind it) is replaced.</summary>
    private SocketHandle? BindControlSocket()
    {
        const int EADDRINUSE = 98;
        var control = Create(AF_UNIX, SOCK_SEQPACKET).OrThrow();
        bool? bound = control.Bind(_controlPath);
        if (bound is null && Error(true) is EADDRINUSE)
        {
            using (var probe = Create(AF_UNIX, SOCK_SEQPACKET).OrThrow())
            {
                if (probe.Connect(_controlPath) is not null)
                {
                    Console.Error.WriteLine($"handoff: a supervisor already runs behind {_controlPath}");
                    control.Dispose();
                    return null;
                }
            }
            File.Delete(_controlPath); // nobody listens there: left by a process that was killed
            bound = control.Bind(_controlPath);
        }
        if (bound is null || control.Listen(64) is null)
        {
            Console.Error.WriteLine($"handoff: control socket {_controlPath}: {Error()}");
            control.Dispose();
            return null;
        }
        return control;
    }

    // ---- workers ----

    /// <summary>Starts a worker process and waits for its hello on the control socket.</summary>
    private async Task<WorkerProcess> StartWorkerAsync(int generation)
    {
        Process process;
        Task<MessageChannel> hello;
        lock (_hellos)
        {
            // Expected before its hello can possibly be read: AcceptHello takes the same lock.
            process = Process.Start(WorkerStartInfo(generation)) ?? throw new IOException("the worker process did not start");
            var expected = new TaskCompletionSource<MessageChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
            _hellos[process.Id] = expected;
            hello = expected.Task;
        }
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(hello, exited).WaitAsync(StartTimeout);
            if (first != hello) throw new IOException($"worker {process.Id} exited with code {process.ExitCode} before it said hello");
            var worker = new WorkerProcess(process, generation, await hello);
            _ = PumpAsync(worker);
            return worker;
        }
        catch (Exception ex) when (ex is TimeoutException or IOException)
        {
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            throw;
        }
        finally
        {
            lock (_hellos) _hellos.Remove(process.Id);
        }
    }

    /// <summary>This program again, as a worker: <c>dotnet UcSocket.Handoff.dll worker ...</c> or the app host.</summary>
    private ProcessStartInfo WorkerStartInfo(int generation)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("unknown process path");
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(Supervisor).Assembly.Location);
        foreach (var argument in new[] { "worker", "--control", _controlPath, "--generation", generation.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>Moves a worker's messages to its inbox; notices a current worker that ends on its own.</summary>
    private async Task PumpAsync(WorkerProcess worker)
    {
        try
        {
            while (await worker.Channel.ReceiveAsync() is { } message) worker.Inbox.Writer.TryWrite(message);
        }
        catch (Exception ex) when (ex is UcSocketException or InvalidDataException)
        {
            Log($"worker {worker.Pid}: {ex.Message}");
        }
        worker.Inbox.Writer.TryComplete();
        if (!worker.Retiring && ReferenceEquals(worker, _current))
        {
            await worker.Process.WaitForExitAsync();
            Log($"worker {worker.Pid} ended on its own (exit code {worker.Process.ExitCode}); nothing serves any more");
            _finished.TrySetResult(1);
        }
    }

    /// <summary>The worker's next message, which must have <paramref name="verb"/>.</summary>
    private static async Task<Message> ExpectAsync(WorkerProcess worker, string verb)
    {
        var message = await NextAsync(worker) ?? throw new IOException($"worker {worker.Pid} closed its channel");
        if (message.Verb != verb) throw new InvalidDataException($"worker {worker.Pid} said \"{message.Text}\", not {verb}");
        return message;
    }

    /// <summary>The worker's next message; null when its channel closed or it said nothing in time.</summary>
    private static async Task<Message?> NextAsync(WorkerProcess worker)
    {
        using var limit = new CancellationTokenSource(StepTimeout);
        try
        {
            return await worker.Inbox.Reader.ReadAsync(limit.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Waits for a worker that was told to go; kills it if it does not.</summary>
    private static async Task<int> ReapAsync(WorkerProcess worker)
    {
        try
        {
            await worker.Process.WaitForExitAsync().WaitAsync(StepTimeout);
        }
        catch (TimeoutException)
        {
            Log($"worker {worker.Pid} did not exit in time: killing it");
            worker.Process.Kill();
            await worker.Process.WaitForExitAsync();
        }
        int code = worker.Process.ExitCode;
        worker.Channel.Dispose();
        worker.Process.Dispose();
        return code;
    }

    // ---- commands ----

    /// <summary>Starts a new worker and moves the service to it; the reply for the command line.</summary>
    private async Task<string> UpgradeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_stopping || _current is null) return "error the service is not running";
            var old = _current;
            int generation = old.Generation + 1;
            WorkerProcess next;
            try
            {
                next = await StartWorkerAsync(generation);
            }
            catch (Exception ex) when (ex is IOException or TimeoutException)
            {
                return $"error the new worker did not start ({ex.Message}); worker {old.Pid} goes on serving";
            }

            try
            {
                // A socket pair for the two workers alone: our copies close once each has its end.
                var (forOld, forNext) = Pair(SOCK_SEQPACKET) ?? throw new IOException($"socketpair: {Error()}");
                using (forOld)
                using (forNext)
                {
                    await next.Channel.SendAsync("takeover", forNext);
                    old.Retiring = true;
                    await old.Channel.SendAsync("handover", forOld);
                }
            }
            catch (Exception ex) when (ex is IOException or UcSocketException)
            {
                // The old worker got nothing, or a channel whose other end goes away now: it goes on serving.
                old.Retiring = false;
                next.Retiring = true;
                next.Process.Kill();
                await ReapAsync(next);
                return $"error the handover did not start ({ex.Message}); worker {old.Pid} goes on serving";
            }

            var serving = await NextAsync(next);
            var handed = await NextAsync(old);
            if (serving?.Verb == "serving" && handed?.Verb == "handed-over")
            {
                _current = next;
                int code = await ReapAsync(old);
                return $"ok generation {generation} worker {next.Pid} took over {serving.Argument(0)} connections from worker {old.Pid}, which exited with code {code}";
            }
            if (serving?.Verb == "serving" && handed is null)
            {
                _current = next;
                int code = await ReapAsync(old);
                return $"error worker {old.Pid} ended during the handover (exit code {code}); worker {next.Pid} serves the {serving.Argument(0)} connections it received";
            }
            // The new worker failed: the old one resumed everything it had not passed on. Never two servers.
            old.Retiring = false;
            next.Retiring = true;
            if (serving is not null)
            {
                await next.Channel.SendAsync("stop");
                await NextAsync(next);
            }
            int nextCode = await ReapAsync(next);
            return $"error the handover to worker {next.Pid} failed (its exit code {nextCode}); worker {old.Pid} goes on serving";
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the current worker gracefully (every echo owed is sent); the reply for the command line.</summary>
    private async Task<string> StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_stopping) return "ok stopping";
            _stopping = true;
            if (_current is not { } worker) return "ok stopped";
            worker.Retiring = true;
            await worker.Channel.SendAsync("stop");
            await NextAsync(worker);
            int code = await ReapAsync(worker);
            return $"ok stopped worker {worker.Pid} (exit code {code})";
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task AcceptControlAsync(SocketHandle control)
    {
        while (true)
        {
            SocketHandle connection;
            try
            {
                connection = await control.AcceptAsync();
            }
            catch (Exception ex) when (ex is UcSocketException or ObjectDisposedException)
            {
                return; // closed at exit
            }
            _ = HandleControlAsync(new MessageChannel(connection));
        }
    }

    private async Task HandleControlAsync(MessageChannel channel)
    {
        bool keep = false;
        try
        {
            var command = await channel.ReceiveAsync(StepTimeout);
            switch (command?.Verb)
            {
                case "hello":
                    keep = AcceptHello(channel);
                    if (!keep) await channel.SendAsync("error only a worker this supervisor is starting may say hello");
                    break;
                case "upgrade":
                    await channel.SendAsync(await UpgradeAsync());
                    break;
                case "status":
                    await channel.SendAsync(_current is { } current && !_stopping
                        ? $"ok generation {current.Generation} worker {current.Pid}"
                        : "error the service is not running");
                    break;
                case "stop":
                    await channel.SendAsync(await StopAsync());
                    _finished.TrySetResult(0);
                    break;
                case null:
                    break;
                default:
                    await channel.SendAsync($"error unknown command \"{command.Text}\" (upgrade, status, stop)");
                    break;
            }
        }
        catch (Exception ex) when (ex is UcSocketException or InvalidDataException or TimeoutException or ObjectDisposedException)
        {
            Log($"control connection: {ex.Message}");
        }
        finally
        {
            if (!keep) channel.Dispose();
        }
    }

    /// <summary>A worker's hello: accepted from a process this supervisor is starting (its pid read with SO_PEERCRED).</summary>
    private bool AcceptHello(MessageChannel channel)
    {
        if (channel.Socket.PeerCred() is not { } peer) return false;
        lock (_hellos) return _hellos.TryGetValue(peer.Pid, out var expected) && expected.TrySetResult(channel);
    }

    private static bool TrySplitHostPort(string text, out string host, out string port)
    {
        int colon = text.LastIndexOf(':');
        host = colon > 0 ? text[..colon].Trim('[', ']') : "";
        port = colon > 0 ? text[(colon + 1)..] : "";
        return host.Length > 0 && port.Length > 0;
    }
}
