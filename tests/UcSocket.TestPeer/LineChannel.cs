using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace UcSocket.TestPeer;

/// <summary>
/// Lines of UTF-8 text over a stream socket, for the handoff tests and their peer process: what one side writes
/// with <see cref="WriteLine"/> the other reads with <see cref="ReadLine"/>. Waits are bounded by the socket's
/// SO_RCVTIMEO/SO_SNDTIMEO; a failure throws <see cref="IOException"/> with the library's error message.
/// </summary>
public sealed class LineChannel
{
    private readonly List<byte> _pending = new();

    /// <summary>Reads and writes lines on <paramref name="socket"/>; the caller keeps ownership of it.</summary>
    public LineChannel(SocketHandle socket) => Socket = socket ?? throw new ArgumentNullException(nameof(socket));

    /// <summary>The socket.</summary>
    public SocketHandle Socket { get; }

    /// <summary>The next line without its newline, or null at end of file (a partial last line included).</summary>
    public string? ReadLine()
    {
        while (true)
        {
            int newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                string line = Encoding.UTF8.GetString(_pending.GetRange(0, newline).ToArray());
                _pending.RemoveRange(0, newline + 1);
                return line;
            }
            byte[]? chunk = Socket.Recv(4096);
            if (chunk is null) throw new IOException($"reading a line: {Socket.Error()}");
            if (chunk.Length == 0)
            {
                if (_pending.Count == 0) return null;
                string rest = Encoding.UTF8.GetString(_pending.ToArray());
                _pending.Clear();
                return rest;
            }
            _pending.AddRange(chunk);
        }
    }

    /// <summary>Sends <paramref name="line"/> and a newline, all of it.</summary>
    public void WriteLine(string line)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
        int offset = 0;
        while (offset < bytes.Length)
        {
            long? sent = Socket.Send(bytes.AsSpan(offset));
            if (sent is null) throw new IOException($"writing a line: {Socket.Error()}");
            offset += (int)sent.Value;
        }
    }

    /// <summary>Sets SO_RCVTIMEO and SO_SNDTIMEO of <paramref name="socket"/> to <paramref name="seconds"/>, so that no wait on it is endless.</summary>
    public static void SetTimeouts(SocketHandle socket, int seconds)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (socket.SetOpt(SockOpt.SoRcvTimeo, new Timeval(Seconds: seconds)) is null || socket.SetOpt(SockOpt.SoSndTimeo, new Timeval(Seconds: seconds)) is null)
            throw new IOException($"setting timeouts: {socket.Error()}");
    }
}
