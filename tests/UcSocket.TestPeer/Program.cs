using System;
using System.Globalization;
using System.IO;
using static UcSocket.Sockets;

namespace UcSocket.TestPeer;

/// <summary>
/// The other process of the handoff tests. It connects to the UNIX socket the test names, receives one socket
/// there (SCM_RIGHTS), says "ready", and serves it:
/// <list type="bullet">
/// <item><c>take-connection @control</c>: a connected stream socket. It greets the client with
/// "hello from child PID", answers each line with "child PID: LINE", and on "bye" answers "bye", closes the
/// connection and reports "done N" (N lines answered) on the control socket.</item>
/// <item><c>take-listener @control</c>: a listening socket. It accepts connections and answers each one's first
/// line with "child: LINE", then closes it, until the control socket says "stop"; then it reports "served N".</item>
/// </list>
/// Exit code 0 on success; otherwise the error is on stderr (1: a socket call failed, 2: usage, 3: no progress
/// for too long).
/// </summary>
public static class Program
{
    /// <summary>No wait of the peer lasts longer than this (seconds).</summary>
    private const int TimeoutSeconds = 30;

    /// <summary>Runs the peer; returns the exit code.</summary>
    public static int Main(string[] args)
    {
        if (args.Length != 2 || args[0] is not ("take-connection" or "take-listener"))
        {
            Console.Error.WriteLine("usage: UcSocket.TestPeer take-connection|take-listener @control-socket");
            return 2;
        }
        try
        {
            using var control = Create(AF_UNIX, SOCK_STREAM) ?? throw new IOException($"socket: {Error()}");
            LineChannel.SetTimeouts(control, TimeoutSeconds);
            if (control.Connect(args[1]) is null) throw new IOException($"connecting to {args[1]}: {control.Error()}");
            var channel = new LineChannel(control);
            using var received = ReceiveSocket(control);
            channel.WriteLine("ready");
            return args[0] == "take-connection" ? ServeConnection(received, channel) : ServeListener(received, channel);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"{args[0]}: {ex.Message}");
            return 1;
        }
        catch (TimeoutException ex)
        {
            Console.Error.WriteLine($"{args[0]}: {ex.Message}");
            return 3;
        }
    }

    /// <summary>Receives one descriptor with SCM_RIGHTS and wraps it as a handle that owns it.</summary>
    private static SocketHandle ReceiveSocket(SocketHandle control)
    {
        using var message = control.RecvMsg(16, 64) ?? throw new IOException($"receiving the socket: {control.Error()}");
        var taken = message.TakeFileDescriptors();
        if (taken.Count != 1) throw new IOException($"expected one descriptor, got {taken.Count} (flags {message.Flags})");
        var socket = Open((int)taken[0].DangerousGetHandle());
        if (socket is null)
        {
            taken[0].Dispose();
            throw new IOException($"opening the received descriptor: {Error()}");
        }
        taken[0].SetHandleAsInvalid(); // the SocketHandle owns the descriptor now
        return socket;
    }

    private static int ServeConnection(SocketHandle connection, LineChannel control)
    {
        LineChannel.SetTimeouts(connection, TimeoutSeconds);
        var client = new LineChannel(connection);
        client.WriteLine($"hello from child {Environment.ProcessId}");
        int answered = 0;
        while (true)
        {
            string line = client.ReadLine() ?? throw new IOException("the client closed the connection before saying bye");
            if (line == "bye")
            {
                client.WriteLine("bye");
                break;
            }
            client.WriteLine($"child {Environment.ProcessId}: {line}");
            answered++;
        }
        connection.Dispose();
        control.WriteLine("done " + answered.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static int ServeListener(SocketHandle listener, LineChannel control)
    {
        int served = 0;
        var deadline = DateTime.UtcNow.AddSeconds(TimeoutSeconds);
        while (true)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no \"stop\" within {TimeoutSeconds} s ({served} served)");
            var events = Poll(100, listener, control.Socket) ?? throw new IOException($"poll: {Error()}");
            foreach (var e in events)
            {
                if (ReferenceEquals(e.Handle, control.Socket))
                {
                    string? command = control.ReadLine();
                    if (command != "stop") throw new IOException($"unexpected command {command ?? "(end of file)"}");
                    control.WriteLine("served " + served.ToString(CultureInfo.InvariantCulture));
                    return 0;
                }
                if ((e.Events & POLLIN) == 0) throw new IOException($"the listener reports events 0x{e.Events:x}");
                using var connection = listener.Accept() ?? throw new IOException($"accept: {listener.Error()}");
                LineChannel.SetTimeouts(connection, TimeoutSeconds);
                var client = new LineChannel(connection);
                string line = client.ReadLine() ?? throw new IOException("a client closed without a line");
                client.WriteLine("child: " + line);
                served++;
            }
        }
    }
}
