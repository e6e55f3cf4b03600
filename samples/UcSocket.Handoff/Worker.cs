using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace UcSocket.Handoff;

/// <summary>
/// A worker process: serves the echo service on the listening socket and the connections it was given, all
/// async, and hands everything over to its successor when the supervisor says so.
/// </summary>
/// <remarks>
/// <para>
/// Handover, old worker to new, over a socket pair the supervisor gave both (one message per step, descriptors
/// attached with SCM_RIGHTS):
/// </para>
/// <code>
/// old: listener + [fd]     new: starts accepting too        new: ok listener
/// old: stops accepting (a connection its accept returned meanwhile is handed over with the others)
/// old: conn ID + [fd]      for each connection, once paused at its safe point (see EchoConnection)
///                          new: starts echoing it            new: ok conn ID     old: closes its copy
/// old: done N              new: ok done                     old: closes the listener copy and exits
/// </code>
/// <para>
/// The listening socket goes first and stays open in one process or both at every instant, so its backlog never
/// goes away and a connecting client is never refused. The old worker closes a copy only after the new one
/// confirmed it: closing a descriptor (close(2)) never disturbs the socket's other holder. If the channel fails
/// before the end, the old worker resumes accepting and serving every connection it did not pass on.
/// </para>
/// <para>
/// The first <see cref="SocketHandle.AcceptAsync(SocketAddress?, int, CancellationToken)"/> puts the listening
/// socket in non-blocking mode (O_NONBLOCK), and that flag belongs to the socket's file description, which both
/// workers share. Both only ever accept with AcceptAsync, which does not mind; the handle the new worker takes
/// reports the socket as non-blocking, so a blocking Accept on it would fail with EAGAIN instead of waiting.
/// </para>
/// </remarks>
internal sealed class Worker
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    private readonly string _name;
    private readonly ConcurrentDictionary<long, EchoConnection> _connections = new();
    private long _lastId;
    private SocketHandle? _listener;
    private CancellationTokenSource? _acceptStop;
    private Task _accepting = Task.CompletedTask;

    private Worker(int generation) => _name = $"worker {Environment.ProcessId} gen {generation}";

    private void Log(string text) => Console.WriteLine($"[{_name}] {text}");

    /// <summary>The worker's life: says hello to the supervisor, then does what it is told until it hands over or stops.</summary>
    public static async Task<int> RunAsync(string controlPath, int generation)
    {
        // Ctrl-C in a terminal reaches every process of the group: the supervisor decides when a worker stops.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
        var worker = new Worker(generation);
        using var supervisor = await MessageChannel.ConnectAsync(controlPath);
        await supervisor.SendAsync($"hello {generation}");
        while (true)
        {
            var message = await supervisor.ReceiveAsync();
            switch (message?.Verb)
            {
                case null:
                    worker.Log("the supervisor is gone: stopping");
                    await worker.StopAsync();
                    return 1;
                case "serve":
                    worker.StartListening(Required(message));
                    worker.Log("serving");
                    await supervisor.SendAsync("serving 0");
                    break;
                case "takeover":
                    int taken;
                    using (var channel = new MessageChannel(Required(message)))
                        taken = await worker.TakeOverAsync(channel);
                    await supervisor.SendAsync($"serving {taken}");
                    break;
                case "handover":
                    int handed;
                    using (var channel = new MessageChannel(Required(message)))
                        handed = await worker.HandOverAsync(channel);
                    if (handed >= 0)
                    {
                        await supervisor.SendAsync($"handed-over {handed}");
                        worker.Log("handed over; exiting");
                        return 0;
                    }
                    await supervisor.SendAsync("handover-failed");
                    break;
                case "stop":
                    await worker.StopAsync();
                    await supervisor.SendAsync("stopped");
                    worker.Log("stopped");
                    return 0;
                default:
                    worker.Log($"unknown message from the supervisor: {message.Text}");
                    break;
            }
        }
    }

    private static SocketHandle Required(Message message) =>
        message.Socket ?? throw new InvalidDataException($"\"{message.Text}\" came without its socket");

    // ---- serving ----

    private void StartListening(SocketHandle listener)
    {
        _listener = listener;
        StartAccepting();
    }

    private void StartAccepting()
    {
        _acceptStop = new CancellationTokenSource();
        _accepting = AcceptLoopAsync(_listener!, _acceptStop.Token);
    }

    private async Task StopAcceptingAsync()
    {
        _acceptStop?.Cancel();
        await _accepting;
    }

    private async Task AcceptLoopAsync(SocketHandle listener, CancellationToken stop)
    {
        while (true)
        {
            SocketHandle accepted;
            try
            {
                accepted = await listener.AcceptAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (UcSocketException ex)
            {
                // ECONNABORTED (a client gave up in the backlog) and running out of descriptors or memory pass.
                Log($"accept: {ex.Message}");
                try
                {
                    await Task.Delay(50, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            Serve(accepted);
        }
    }

    /// <summary>Starts echoing on a connection, accepted here or handed over.</summary>
    private void Serve(SocketHandle socket)
    {
        var connection = new EchoConnection(Interlocked.Increment(ref _lastId), socket, Log);
        _connections[connection.Id] = connection;
        _ = RunAsync(connection);
    }

    private async Task RunAsync(EchoConnection connection)
    {
        connection.Start();
        if (await connection.Serving == ServeOutcome.Ended) _connections.TryRemove(connection.Id, out _);
    }

    /// <summary>Stops gracefully: no new connections, every echo owed is sent, then every connection closes.</summary>
    private async Task StopAsync()
    {
        await StopAcceptingAsync();
        _listener?.Dispose();
        await Task.WhenAll(_connections.Values.Select(async c =>
        {
            await c.PauseAsync(DrainTimeout);
            c.Socket.Dispose();
        }));
        _connections.Clear();
    }

    // ---- the new worker's side ----

    /// <summary>Takes the listener and the connections the old worker passes; the number of connections taken.</summary>
    private async Task<int> TakeOverAsync(MessageChannel channel)
    {
        int taken = 0;
        try
        {
            while (true)
            {
                var message = await channel.ReceiveAsync(StepTimeout);
                switch (message?.Verb)
                {
                    case null:
                        Log($"the old worker closed the handover channel early; serving the {taken} connections that arrived");
                        return taken;
                    case "listener":
                        StartListening(Required(message));
                        await channel.SendAsync("ok listener");
                        break;
                    case "conn":
                        Serve(Required(message));
                        taken++;
                        await channel.SendAsync($"ok conn {message.Argument(0)}");
                        break;
                    case "done":
                        await channel.SendAsync("ok done");
                        Log($"took over the listener and {taken} connections");
                        return taken;
                    default:
                        throw new InvalidDataException($"unexpected handover message: {message.Text}");
                }
            }
        }
        catch (Exception ex) when (ex is TimeoutException or UcSocketException or InvalidDataException)
        {
            Log($"handover ended early ({ex.Message}); serving the {taken} connections that arrived");
            return taken;
        }
    }

    // ---- the old worker's side ----

    /// <summary>Passes everything to the new worker; the number of connections handed over, or -1 when it failed and this worker goes on serving.</summary>
    private async Task<int> HandOverAsync(MessageChannel channel)
    {
        try
        {
            await channel.SendAsync("listener", _listener);
            var reply = await channel.ReceiveAsync(StepTimeout);
            if (reply?.Text != "ok listener") throw new InvalidDataException($"the new worker did not take the listener ({reply?.Text ?? "channel closed"})");
        }
        catch (Exception ex) when (ex is TimeoutException or UcSocketException or InvalidDataException)
        {
            Log($"handover failed before it began ({ex.Message}); still serving");
            return -1;
        }

        // Both workers accept now. Ours stops; what it accepted meanwhile is handed over with the rest.
        await StopAcceptingAsync();
        var connections = _connections.Values.ToList();
        Log($"new worker accepts; handing over {connections.Count} connections");

        var sent = new ConcurrentDictionary<long, EchoConnection>();
        var confirmations = ConfirmAsync(channel);
        var passing = connections.Select(async c =>
        {
            if (!await c.PauseAsync(DrainTimeout))
            {
                _connections.TryRemove(c.Id, out _);
                return;
            }
            await channel.SendAsync($"conn {c.Id}", c.Socket);
            sent[c.Id] = c; // a SOCK_SEQPACKET send either delivered the message with its descriptor or failed
        }).ToList();
        try
        {
            await Task.WhenAll(passing);
            await channel.SendAsync($"done {sent.Count}");
            int confirmed = await confirmations;
            _listener!.Dispose(); // our copy: the new worker's stays open
            return confirmed;
        }
        catch (Exception ex) when (ex is TimeoutException or UcSocketException or InvalidDataException or IOException)
        {
            channel.Socket.Dispose(); // ends the confirmation reader and any send still to come at once
            await Settle(passing);
            await Settle(new[] { confirmations });
            int resumed = 0;
            foreach (var c in _connections.Values)
            {
                if (sent.ContainsKey(c.Id))
                {
                    // The new worker may be serving it: never two readers on one stream. Our copy goes.
                    c.Socket.Dispose();
                    _connections.TryRemove(c.Id, out _);
                }
                else
                {
                    _ = RunAsync(c);
                    resumed++;
                }
            }
            StartAccepting();
            Log($"handover failed ({ex.Message}); resumed the listener and {resumed} connections");
            return -1;
        }
    }

    /// <summary>Reads the new worker's confirmations, closing our copy of each connection it confirms; the count at "ok done".</summary>
    private async Task<int> ConfirmAsync(MessageChannel channel)
    {
        int confirmed = 0;
        while (true)
        {
            var message = await channel.ReceiveAsync(StepTimeout) ?? throw new IOException("the new worker closed the handover channel");
            if (message.Text == "ok done") return confirmed;
            if (message.Verb != "ok" || message.Argument(0) != "conn" || !long.TryParse(message.Argument(1), out long id))
                throw new InvalidDataException($"unexpected handover message: {message.Text}");
            if (_connections.TryRemove(id, out var connection))
            {
                connection.Socket.Dispose(); // close(2): the new worker's descriptor of the socket lives on
                confirmed++;
            }
        }
    }

    private static async Task Settle(IEnumerable<Task> tasks)
    {
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception)
        {
            // Already reported by the caller's failure.
        }
    }
}
