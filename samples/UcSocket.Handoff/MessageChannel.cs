using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using static UcSocket.Sockets;

namespace UcSocket.Handoff;

/// <summary>A message: a line of text (a verb and its arguments) and the socket that came with it, if any.</summary>
internal sealed record Message(string Text, SocketHandle? Socket)
{
    private readonly string[] _words = Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The first word: <c>hello</c>, <c>serve</c>, <c>takeover</c>, <c>conn</c>, ...</summary>
    public string Verb => _words.Length > 0 ? _words[0] : "";

    /// <summary>The <paramref name="index"/>-th word after the verb, or "".</summary>
    public string Argument(int index) => index + 1 < _words.Length ? _words[index + 1] : "";
}

/// <summary>
/// Text messages between the sample's processes over a UNIX <c>SOCK_SEQPACKET</c> socket, each with at most one
/// socket attached (SCM_RIGHTS). One send is one message, so a descriptor always arrives with the text that says
/// what it is. Sends may come from several tasks; receives from one reader at a time.
/// </summary>
internal sealed class MessageChannel : IDisposable
{
    private const int MaxText = 1024;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly ControlBuffer _sendControl = new(ControlBuffer.SpaceFor(sizeof(int)));
    private readonly ControlBuffer _receiveControl = new(ControlBuffer.SpaceFor(sizeof(int)));
    private readonly byte[] _receiveBuffer = new byte[MaxText];

    public MessageChannel(SocketHandle socket) => Socket = socket;

    public SocketHandle Socket { get; }

    /// <summary>Connects to the control socket at <paramref name="path"/>.</summary>
    public static async Task<MessageChannel> ConnectAsync(string path, CancellationToken cancellationToken = default)
    {
        var socket = Create(AF_UNIX, SOCK_SEQPACKET).OrThrow();
        try
        {
            await socket.ConnectAsync(path, cancellationToken);
            return new MessageChannel(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="text"/>, with <paramref name="attached"/>'s descriptor when given. The kernel gives the
    /// receiver a descriptor of its own for the same socket; ours stays open and keeps working until we close it.
    /// </summary>
    public async Task SendAsync(string text, SocketHandle? attached = null, CancellationToken cancellationToken = default)
    {
        byte[] data = Encoding.UTF8.GetBytes(text);
        if (data.Length == 0 || data.Length > MaxText) throw new ArgumentException("A message is 1 to 1024 bytes of text.", nameof(text));
        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            _sendControl.Clear();
            if (attached is not null)
            {
                // SCM_RIGHTS carries descriptor numbers: the handle is open (the caller keeps it until the receiver
                // confirms), so the number is the socket's for the whole send.
                int fd = attached.FileNo();
                if (fd < 0 || !_sendControl.TryAddValue(SOL_SOCKET, SCM_RIGHTS, fd)) throw new InvalidOperationException($"{text}: {Error()}");
            }
            await Socket.SendMsgAsync(data, attached is null ? null : _sendControl, null, 0, cancellationToken);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>
    /// The next message, or null once the peer closed the channel. A socket that came with it is the caller's: the
    /// channel's control buffer took it out with <see cref="ControlBuffer.TakeSocket"/>, so nothing here closes it.
    /// </summary>
    public async Task<Message?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var result = await Socket.RecvMsgAsync(_receiveBuffer, _receiveControl, null, 0, cancellationToken);
        if (result.Length == 0) return null; // an empty message is the end: this protocol never sends one
        if (result.IsTruncated || result.IsControlTruncated)
        {
            _receiveControl.Clear(); // closes whatever arrived
            throw new InvalidDataException("A message did not fit: the peer does not speak this protocol.");
        }
        string text = Encoding.UTF8.GetString(_receiveBuffer, 0, (int)result.Length);
        SocketHandle? socket = null;
        if (_receiveControl.TryFind(SOL_SOCKET, SCM_RIGHTS, out _))
            socket = _receiveControl.TakeSocket(0) ?? throw new InvalidDataException($"\"{text}\" came with a descriptor that is not a socket: {Error()}");
        return new Message(text, socket);
    }

    /// <summary>The next message, which must come within <paramref name="timeout"/>; null once the peer closed the channel.</summary>
    public async Task<Message?> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await ReceiveAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no message within {timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Closes the channel and any descriptor a message brought that was not taken.</summary>
    public void Dispose()
    {
        Socket.Dispose();
        _receiveControl.Dispose();
    }
}
