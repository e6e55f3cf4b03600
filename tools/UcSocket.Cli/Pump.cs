using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using static UcSocket.Sockets;

namespace UcSocket.Cli;

/// <summary>
/// Copies stdin to the socket on a background thread; for a datagram listener, to the latest sender. When stdin
/// ends, a stream socket's sending side is shut down, and <see cref="Finished"/> becomes readable so that a receive
/// loop polling it wakes at once.
/// </summary>
internal sealed class Pump : IDisposable
{
    private const int BufferSize = 65536;

    private readonly Stream _stdin;
    private readonly SocketHandle _sock;
    private readonly bool _stream;
    private readonly bool _replyToSender;
    private readonly string _peer;
    private readonly ManualResetEventSlim _done = new(false);
    private readonly ManualResetEventSlim _haveSender = new(false);
    private readonly CancellationTokenSource _stop = new();
    private readonly SocketPair _finished;
    private SocketAddress? _sender;
    private long _finishedAt;

    /// <param name="stdin">What to send.</param>
    /// <param name="sock">The socket to send on.</param>
    /// <param name="stream">Whether it is a stream socket (sends are completed; EOF shuts down the sending side).</param>
    /// <param name="replyToSender">A datagram listener: send to whoever sent last, once someone has.</param>
    /// <param name="peer">The endpoint named in a send error.</param>
    public Pump(Stream stdin, SocketHandle sock, bool stream, bool replyToSender, string peer)
    {
        _stdin = stdin;
        _sock = sock;
        _stream = stream;
        _replyToSender = replyToSender;
        _peer = peer;
        _finished = Pair() ?? throw new CliException(ExitCodes.Failure, "socketpair: " + Error());
    }

    /// <summary>The send error that stopped the pump, as a message naming the endpoint, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Whether stdin has ended (or the pump stopped on an error).</summary>
    public bool IsDone => _done.IsSet;

    /// <summary>When the pump finished (a <see cref="Stopwatch"/> timestamp), 0 while it runs.</summary>
    public long FinishedAt => Interlocked.Read(ref _finishedAt);

    /// <summary>A socket that becomes readable (end of file) when the pump finishes: poll it beside the data socket.</summary>
    public SocketHandle Finished => _finished.First;

    public void Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "ucsock stdin" };
        thread.Start();
    }

    public void SetSender(SocketAddress address)
    {
        if (!_replyToSender) return;
        var copy = SockAddr(address.ToDictionary());
        if (copy is null) return;
        Volatile.Write(ref _sender, copy);
        _haveSender.Set();
    }

    public void WaitUntilDone() => _done.Wait();

    private void Run()
    {
        try
        {
            var buffer = new byte[BufferSize];
            while (!_stop.IsCancellationRequested)
            {
                int n;
                try
                {
                    n = _stdin.Read(buffer);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException)
                {
                    break;
                }
                if (n == 0) break;
                if (!Send(buffer.AsSpan(0, n))) return;
            }
            if (_stream && !_stop.IsCancellationRequested) _sock.Shutdown(SHUT_WR);
        }
        finally
        {
            Interlocked.Exchange(ref _finishedAt, Stopwatch.GetTimestamp());
            _done.Set();
            _finished.Second.Dispose();
        }
    }

    private bool Send(ReadOnlySpan<byte> data)
    {
        SocketAddress? to = null;
        if (_replyToSender)
        {
            try
            {
                _haveSender.Wait(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            to = Volatile.Read(ref _sender);
        }
        while (true)
        {
            long? sent = _sock.Send(data, 0, to);
            if (sent is null)
            {
                if (!_stop.IsCancellationRequested)
                    Error = $"send to {(to is null ? _peer : Session.Describe(to))}: {_sock.Error()}";
                return false;
            }
            if (!_stream || sent.Value >= data.Length) return true;
            data = data[(int)sent.Value..];
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _finished.First.Dispose();
    }
}
