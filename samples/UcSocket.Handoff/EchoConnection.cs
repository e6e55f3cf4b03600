using System;
using System.Threading;
using System.Threading.Tasks;

namespace UcSocket.Handoff;

/// <summary>How a run of <see cref="EchoConnection"/> ended.</summary>
internal enum ServeOutcome
{
    /// <summary>Stopped at a safe point: nothing read is left unechoed, unread bytes wait in the kernel. Can be handed over.</summary>
    Paused,

    /// <summary>The client closed its side or the connection failed; the socket is closed.</summary>
    Ended,
}

/// <summary>
/// One client connection of a worker: echoes every byte back with <see cref="SocketHandle.RecvAsync"/> and
/// <see cref="SocketHandle.SendAsync"/>, until the client is done or the worker pauses it to hand it over.
/// </summary>
/// <remarks>
/// The safe point for a handover is between an echo and the next receive. A pause cancels the pending receive (a
/// cancelled receive has taken no bytes) or, if bytes were just read, lets their echo finish first: so when the
/// connection is paused this process owes the client nothing, and whatever the client sent since is still in the
/// socket's receive queue, where the next owner reads it. Bytes we sent are in the socket's send queue, ahead of
/// anything the next owner sends: the client sees one ordered stream.
/// </remarks>
internal sealed class EchoConnection
{
    private readonly Action<string> _log;
    private CancellationTokenSource? _pause;
    private CancellationTokenSource? _abort;

    public EchoConnection(long id, SocketHandle socket, Action<string> log)
    {
        Id = id;
        Socket = socket;
        _log = log;
    }

    public long Id { get; }

    public SocketHandle Socket { get; }

    /// <summary>The current run; completes with how it ended.</summary>
    public Task<ServeOutcome> Serving { get; private set; } = Task.FromResult(ServeOutcome.Paused);

    /// <summary>Starts (or resumes) echoing.</summary>
    public void Start()
    {
        _pause = new CancellationTokenSource();
        _abort = new CancellationTokenSource();
        Serving = ServeAsync(_pause.Token, _abort.Token);
    }

    /// <summary>
    /// Stops at the safe point: true when the connection is paused and can be handed over, false when it ended.
    /// A client that does not read what we owe it within <paramref name="drainTimeout"/> loses the connection
    /// (a partly sent echo cannot be handed over without breaking the stream).
    /// </summary>
    public async Task<bool> PauseAsync(TimeSpan drainTimeout)
    {
        _pause!.Cancel();
        _abort!.CancelAfter(drainTimeout);
        var outcome = await Serving;
        _pause.Dispose();
        _abort.Dispose();
        return outcome == ServeOutcome.Paused;
    }

    private async Task<ServeOutcome> ServeAsync(CancellationToken pause, CancellationToken abort)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (!pause.IsCancellationRequested)
            {
                int received;
                try
                {
                    received = await Socket.RecvAsync(buffer, 0, pause);
                }
                catch (OperationCanceledException)
                {
                    return ServeOutcome.Paused;
                }
                if (received == 0)
                {
                    Socket.Dispose(); // the client finished and has every echo
                    return ServeOutcome.Ended;
                }
                // These bytes are owed: the echo completes even when a pause comes meanwhile.
                await Socket.SendAsync(buffer.AsMemory(0, received), 0, abort);
            }
            return ServeOutcome.Paused;
        }
        catch (Exception ex) when (ex is UcSocketException or OperationCanceledException)
        {
            _log($"connection {Id}: {(ex is OperationCanceledException ? "the client did not take its echo in time" : ex.Message)}; closed");
            Socket.Dispose();
            return ServeOutcome.Ended;
        }
    }
}
