using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Win32.SafeHandles;
using static UcSocket.Sockets;

namespace UcSocket.Cli;

/// <summary>The data phase of a session: descriptors, then stdin to the socket (<see cref="Pump"/>) and the socket to stdout.</summary>
internal sealed partial class Session
{
    /// <summary>
    /// How long a datagram client waits for replies once stdin has ended (and after each reply) before it exits 0,
    /// when neither -w nor -c says otherwise. A datagram socket has no end of its own: without this, piping into a UDP
    /// client would never return.
    /// </summary>
    public const int DatagramReplyWaitMs = 1000;

    private const int ReceiveSize = 65536;
    private const int AncillarySize = 4096;

    /// <param name="sock">The connected socket, or the datagram listener.</param>
    /// <param name="files">Descriptors to send first (--send-fd).</param>
    /// <param name="replyToSender">A datagram listener: replies go to whoever sent last.</param>
    /// <param name="endpoint">The peer (or, for a datagram listener, the local address), named in messages.</param>
    private int Transfer(SocketHandle sock, List<SafeFileHandle> files, bool replyToSender, string endpoint)
    {
        bool stream = _s.SocketType != SOCK_DGRAM;
        if (files.Count > 0) SendFiles(sock, files, endpoint);
        if (_s.RecvFd) ReceiveFiles(sock, endpoint);
        if (_s.NoData) return ExitCodes.Ok;

        using var pump = new Pump(_stdin, sock, stream, replyToSender, endpoint);
        pump.Start();

        // A datagram client with no -w or -c ends on its own once stdin has and the replies have stopped coming.
        bool lingers = !stream && !replyToSender && _s.WaitMs is null && _s.Count is null;
        long lastReply = 0;
        int received = 0;
        bool timedOut = false;
        var from = new SocketAddress();
        while (_s.Count is null || received < _s.Count)
        {
            if (lingers)
            {
                if (!WaitForReply(sock, pump, lastReply, endpoint)) break;
            }
            else if (_s.WaitMs is int ms)
            {
                var ready = Poll(ms, sock) ?? throw Failure($"poll on {endpoint}", Error());
                if (ready.Count == 0)
                {
                    timedOut = true;
                    break;
                }
            }
            if (_s.RecvMsg)
            {
                using var message = sock.RecvMsg(ReceiveSize, AncillarySize) ?? throw Failure($"recvmsg from {endpoint}", sock.Error());
                if (stream && message.Length == 0 && message.Ancillary is not { Count: > 0 }) break;
                Json.WriteDocument(_stdout, indented: false, w => WriteMessage(w, message));
                if (message.Address is { } a) pump.SetSender(a);
            }
            else
            {
                var data = sock.Recv(ReceiveSize, 0, from) ?? throw Failure($"recv from {endpoint}", sock.Error());
                if (stream && data.Length == 0) break;
                _stdout.Write(data);
                _stdout.Flush();
                if (replyToSender) pump.SetSender(from);
            }
            lastReply = Stopwatch.GetTimestamp();
            received++;
        }

        if (timedOut && _s.Count is int wanted)
            throw new CliException(ExitCodes.Timeout, $"{endpoint}: {received} of {wanted} messages within {Seconds(_s.WaitMs!.Value)}");
        // The peer closed, or -c messages arrived: what stdin still holds is sent before the socket closes.
        if (!timedOut && _s.WaitForStdin) pump.WaitUntilDone();
        if (pump.Error is { } sendError) throw new CliException(ExitCodes.Failure, sendError);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// For a lingering datagram client: waits until a reply is ready (true) or until stdin has ended and no reply has
    /// come for <see cref="DatagramReplyWaitMs"/> since then or since the last reply (false). While stdin is open the
    /// wait has no limit; the pump's <see cref="Pump.Finished"/> socket wakes it when stdin ends.
    /// </summary>
    private static bool WaitForReply(SocketHandle sock, Pump pump, long lastReply, string endpoint)
    {
        while (true)
        {
            int timeout = -1;
            if (pump.IsDone)
            {
                long since = Math.Max(pump.FinishedAt, lastReply);
                timeout = (int)Math.Max(0, DatagramReplyWaitMs - (long)Stopwatch.GetElapsedTime(since).TotalMilliseconds);
            }
            var ready = (pump.IsDone ? Poll(timeout, sock) : Poll(timeout, sock, pump.Finished))
                ?? throw Failure($"poll on {endpoint}", Error());
            if (ready.Any(e => e.Handle == sock)) return true;
            if (pump.IsDone && ready.Count == 0) return false;
        }
    }

    private static void WriteMessage(System.Text.Json.Utf8JsonWriter w, ReceivedMessage m)
    {
        w.WriteStartObject();
        w.WriteNumber("length", m.Length);
        w.WriteNumber("flags", m.Flags);
        w.WritePropertyName("address");
        Json.WriteValue(w, m.Address?.ToDictionary());
        w.WritePropertyName("data");
        Json.WriteBytes(w, m.Buffers.Count > 0 ? m.Buffers[0] : []);
        w.WritePropertyName("ancillary");
        w.WriteStartArray();
        foreach (var c in m.Ancillary ?? []) Json.WriteControlMessage(w, c);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private void SendFiles(SocketHandle sock, List<SafeFileHandle> files, string endpoint)
    {
        string names = string.Join(" ", _s.SendFds.Select(Path.GetFileName));
        var rights = new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new FileDescriptors([.. files]));
        if (sock.SendMsg(Encoding.UTF8.GetBytes(names), new[] { rights }) is null) throw Failure($"--send-fd to {endpoint}", sock.Error());
        if (_s.Verbose) _stderr.WriteLine($"ucsock: sent {files.Count} descriptor(s) to {endpoint}: {names}");
    }

    private void ReceiveFiles(SocketHandle sock, string endpoint)
    {
        using var message = sock.RecvMsg(ReceiveSize, AncillarySize) ?? throw Failure($"--recv-fd from {endpoint}", sock.Error());
        var handles = message.TakeFileDescriptors();
        try
        {
            if (handles.Count == 0)
            {
                string why = message.IsControlTruncated ? "control data was truncated"
                    : message.Length == 0 ? "the peer closed the connection" : "the message carried none";
                throw new CliException(ExitCodes.Failure, $"--recv-fd from {endpoint}: no descriptor received ({why})");
            }
            if (_s.Verbose)
            {
                string text = Encoding.UTF8.GetString(message.Buffers.Count > 0 ? message.Buffers[0] : []);
                _stderr.WriteLine($"ucsock: received {handles.Count} descriptor(s) from {endpoint} with message \"{text}\"");
            }
            foreach (var handle in handles)
            {
                var file = handle as SafeFileHandle ?? new SafeFileHandle(handle.DangerousGetHandle(), ownsHandle: false);
                try
                {
                    using var reader = new FileStream(file, FileAccess.Read, bufferSize: 0);
                    reader.CopyTo(_stdout);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    throw new CliException(ExitCodes.Failure, $"--recv-fd from {endpoint}: reading the received descriptor failed: {e.Message}");
                }
            }
            _stdout.Flush();
        }
        finally
        {
            foreach (var h in handles) h.Dispose();
        }
    }
}
