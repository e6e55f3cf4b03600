using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using static UcSocket.Sockets;

namespace UcSocket.Cli;

/// <summary>
/// <c>ucsock demo</c>: a tour of the library that needs nothing but loopback. It starts a TCP listener on
/// 127.0.0.1, connects to it and exchanges a message, sets options the ucode way and the typed way, passes an
/// open file (already deleted from disk) over a socket pair with SCM_RIGHTS, and dumps the options of the TCP
/// socket as JSON.
/// </summary>
internal static class Demo
{
    public static int Run(Stream stdout, TextWriter stderr)
    {
        var o = new StreamWriter(stdout, new UTF8Encoding(false), leaveOpen: true) { AutoFlush = true, NewLine = "\n" };
        try
        {
            Tour(o, stdout);
            return ExitCodes.Ok;
        }
        catch (UcSocketException e)
        {
            stderr.WriteLine("ucsock demo: " + e.Message);
            return ExitCodes.Failure;
        }
        finally
        {
            o.Dispose();
        }
    }

    private static void Tour(StreamWriter o, Stream stdout)
    {
        o.WriteLine("ucsock demo: the UcSocket library on loopback (nothing leaves this machine)");
        o.WriteLine();

        // 1. TCP on loopback
        using var listener = Create(AF_INET, SOCK_STREAM).OrThrow();
        listener.SetOpt(SOL_SOCKET, SO_REUSEADDR, true).OrThrow();
        listener.Bind("127.0.0.1:0").OrThrow();
        listener.Listen().OrThrow();
        var where = listener.SockName().OrThrow();
        o.WriteLine($"1. TCP listener on {where}  (Create, SetOpt, Bind, Listen, SockName)");

        using var client = Create(AF_INET, SOCK_STREAM).OrThrow();
        client.Connect(where).OrThrow();
        using var server = listener.Accept(out var peer).OrThrow();
        o.WriteLine($"   {client.SockName()} connected, accepted from {peer}  (Connect, Accept)");

        client.Send("hello from ucsock").OrThrow();
        string request = Encoding.UTF8.GetString(server.Recv().OrThrow());
        server.Send(request.ToUpperInvariant()).OrThrow();
        string reply = Encoding.UTF8.GetString(client.Recv().OrThrow());
        o.WriteLine($"   client sent \"{request}\", server answered \"{reply}\"  (Send, Recv)");
        o.WriteLine();

        // 2. Options, ucode style and typed
        o.WriteLine("2. Socket options");
        client.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { ["onoff"] = 1, ["linger"] = 5 }).OrThrow();
        o.WriteLine($"   SetOpt(SOL_SOCKET, SO_LINGER, {{ onoff: 1, linger: 5 }}) -> GetOpt gives {JsonText(client.GetOpt(SOL_SOCKET, SO_LINGER))}");
        client.SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 2)).OrThrow();
        o.WriteLine($"   typed: SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 2)) -> GetOpt(SockOpt.SoLinger) gives {client.GetOpt(SockOpt.SoLinger)}");
        #pragma warning disable UCS105 // the demo shows the error a field that does not convert gets at run time
        var bad = client.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { ["onoff"] = "yes" });
        #pragma warning restore UCS105
        o.WriteLine($"   a field that does not convert: {(bad is null ? "null" : "true")}, Error() = \"{client.Error()}\"");
        o.WriteLine();

        // 3. Descriptor passing
        o.WriteLine("3. Passing an open file over a socket pair (SCM_RIGHTS)");
        var pair = Pair(SOCK_STREAM) ?? throw new UcSocketException(new ErrorInfo(0, "socket.pair(): " + Error()));
        using var left = pair.First;
        using var right = pair.Second;
        string path = Path.Combine(Path.GetTempPath(), $"ucsock-demo-{Environment.ProcessId}.txt");
        File.WriteAllText(path, "this text was read through a descriptor received with SCM_RIGHTS\n");
        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read))
        {
            File.Delete(path);
            o.WriteLine($"   opened {Path.GetFileName(path)} and deleted it from disk; the open descriptor is all that is left");
            var rights = new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new FileDescriptors(file));
            left.SendMsg("here is a file", new[] { rights }).OrThrow();
        }
        using var message = right.RecvMsg(1024, 256).OrThrow();
        foreach (var cmsg in message.Ancillary ?? [])
            o.WriteLine($"   received \"{Encoding.UTF8.GetString(message.Buffers[0])}\" with {cmsg}  (SendMsg, RecvMsg)");
        foreach (var handle in message.TakeFileDescriptors())
        {
            using var reader = new StreamReader(new FileStream((Microsoft.Win32.SafeHandles.SafeFileHandle)handle, FileAccess.Read, 1));
            o.WriteLine($"   read from it: {reader.ReadToEnd().TrimEnd()}");
        }
        o.WriteLine();

        // 4. Every readable option of the TCP socket
        o.WriteLine("4. Every option the client's TCP socket can read, as 'ucsock --dump-options' prints it:");
        o.Flush();
        Json.WriteDocument(stdout, indented: true, w => OptionDump.Write(w, client));
        o.WriteLine();
        o.WriteLine($"The library knows {SpecRegistry.Options.Count} socket options, {SpecRegistry.ControlMessages.Count} control-message types and {SpecRegistry.Families.Count} address families ('ucsock options' lists the options).");
    }

    private static string JsonText(object? value)
    {
        using var buffer = new MemoryStream();
        using (var w = Json.CreateWriter(buffer, indented: false)) Json.WriteValue(w, value);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
