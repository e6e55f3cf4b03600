using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Microsoft.Win32.SafeHandles;
using static UcSocket.Sockets;

namespace UcSocket.Cli;

/// <summary>One run of connect, listen or socket: set up the socket, report its options, move the data.</summary>
internal sealed class Session
{
    private const int ReceiveSize = 65536;
    private const int AncillarySize = 4096;

    private readonly Settings _s;
    private readonly Stream _stdin;
    private readonly Stream _stdout;
    private readonly TextWriter _stderr;
    private readonly List<(OptionSetting Setting, SocketOption Option, object? Value)> _sets = [];
    private readonly List<SocketOption> _gets = [];

    public Session(Settings settings, Stream stdin, Stream stdout, TextWriter stderr)
    {
        _s = settings;
        _stdin = stdin;
        _stdout = stdout;
        _stderr = stderr;

        // Every option name and value is checked before any socket exists.
        foreach (var setting in settings.SetOptions)
        {
            var option = OptionValues.Find(setting.Name, "-o " + setting);
            _sets.Add((setting, option, OptionValues.Parse(option, setting)));
        }
        foreach (var name in settings.Gets)
        {
            var option = OptionValues.Find(name, "--get " + name);
            if (!option.CanGet) throw new UsageException($"--get {name}: {option.Name} is write-only");
            _gets.Add(option);
        }
    }

    // ---- the three commands ----

    public int RunSocket()
    {
        using var sock = Create(_s.Family, _s.SocketType) ?? throw Failure("socket", Error());
        ApplyOptions(sock);
        if (_s.Source is not null) BindSource(sock);
        Report(sock);
        return ExitCodes.Ok;
    }

    public int RunConnect()
    {
        var targets = Addresses.Resolve(_s, passive: false);
        var files = OpenFilesToSend(targets[0]);
        try
        {
            SocketHandle? sock = null;
            string? lastError = null;
            foreach (var target in targets)
            {
                var candidate = Create(target.Family, _s.SocketType) ?? throw Failure("socket", Error());
                try
                {
                    ApplyOptions(candidate);
                    if (_s.Source is not null) BindSource(candidate);
                    if (ConnectWithin(candidate, target, out lastError))
                    {
                        sock = candidate;
                        break;
                    }
                }
                finally
                {
                    if (sock != candidate) candidate.Dispose();
                }
            }
            if (sock is null) throw Failure($"connect to {_s.Address}", lastError);
            using (sock)
            {
                if (_s.Verbose) _stderr.WriteLine($"ucsock: connected to {Describe(sock.PeerName())} from {Describe(sock.SockName())}");
                Report(sock);
                return Transfer(sock, files, replyToSender: false);
            }
        }
        finally
        {
            foreach (var f in files) f.Dispose();
        }
    }

    public int RunListen()
    {
        var local = Addresses.Resolve(_s, passive: true)[0];
        var files = OpenFilesToSend(local);
        string? createdPath = null;
        try
        {
            using var sock = Create(local.Family, _s.SocketType) ?? throw Failure("socket", Error());
            ApplyOptions(sock);
            if (sock.Bind(local) is null) throw Failure($"bind to {Describe(local)}", sock.Error());
            if (local.Family == AF_UNIX && local.Path is { Length: > 0 } path && path[0] != '@')
            {
                createdPath = path;
                Cleanup.Register(path);
            }

            if (_s.SocketType == SOCK_DGRAM)
            {
                _stderr.WriteLine($"ucsock: listening on {Describe(sock.SockName())}");
                Report(sock);
                return Transfer(sock, files, replyToSender: true);
            }

            if (sock.Listen() is null) throw Failure("listen", sock.Error());
            _stderr.WriteLine($"ucsock: listening on {Describe(sock.SockName())}");
            if (_s.WaitMs is int ms)
            {
                var ready = Poll(ms, sock) ?? throw Failure("poll", Error());
                if (ready.Count == 0) throw new CliException(ExitCodes.Timeout, $"no connection within {Seconds(ms)}");
            }
            using var peer = sock.Accept(out var from) ?? throw Failure("accept", sock.Error());
            if (_s.Verbose) _stderr.WriteLine($"ucsock: connection from {Describe(from)}");
            Report(peer);
            return Transfer(peer, files, replyToSender: false);
        }
        finally
        {
            foreach (var f in files) f.Dispose();
            if (createdPath is not null)
            {
                try
                {
                    File.Delete(createdPath);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
                Cleanup.Unregister(createdPath);
            }
        }
    }

    // ---- set-up ----

    private void ApplyOptions(SocketHandle sock)
    {
        foreach (var (setting, option, value) in _sets)
        {
            if (sock.SetOpt(option.Level, option.Option, value) is null)
                throw Failure("-o " + setting, sock.Error());
            if (_s.Verbose) _stderr.WriteLine($"ucsock: set {option.Name}");
        }
    }

    private void BindSource(SocketHandle sock)
    {
        var source = SockAddr(_s.Source) ?? throw new UsageException($"-s {_s.Source}: {Error()}");
        if (sock.Bind(source) is null) throw Failure($"bind to {_s.Source}", sock.Error());
    }

    /// <summary>
    /// Connects; with -w, the wait is bounded by SO_SNDTIMEO, which Linux applies to connect (restored after).
    /// A connect that runs out of time is exit code 3.
    /// </summary>
    private bool ConnectWithin(SocketHandle sock, SocketAddress target, out string? error)
    {
        object? saved = null;
        if (_s.WaitMs is int ms)
        {
            saved = sock.GetOpt(SOL_SOCKET, SO_SNDTIMEO);
            var limit = new Dictionary<string, object?> { ["sec"] = ms / 1000, ["usec"] = ms % 1000 * 1000 };
            if (sock.SetOpt(SOL_SOCKET, SO_SNDTIMEO, limit) is null) throw Failure("-w", sock.Error());
        }
        if (sock.Connect(target) is null)
        {
            error = sock.Error();
            int code = sock.Error(true) is int c ? c : 0;
            if (_s.WaitMs is int w && code is 115 /* EINPROGRESS */ or 11 /* EAGAIN */)
                throw new CliException(ExitCodes.Timeout, $"connect to {Describe(target)}: no connection within {Seconds(w)}");
            return false;
        }
        if (saved is not null && sock.SetOpt(SOL_SOCKET, SO_SNDTIMEO, saved) is null) throw Failure("-w", sock.Error());
        error = null;
        return true;
    }

    /// <summary>Opens the --send-fd files up front, so a missing file fails before any connection is made.</summary>
    private List<SafeFileHandle> OpenFilesToSend(SocketAddress address)
    {
        var files = new List<SafeFileHandle>();
        if (_s.SendFds.Count == 0) return files;
        if (address.Family != AF_UNIX)
            throw new UsageException("--send-fd needs a UNIX socket: give a path or @name as ADDRESS");
        try
        {
            foreach (var name in _s.SendFds)
            {
                try
                {
                    files.Add(File.OpenHandle(name, FileMode.Open, FileAccess.Read));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    throw new CliException(ExitCodes.Failure, $"--send-fd {name}: {e.Message}");
                }
            }
        }
        catch
        {
            foreach (var f in files) f.Dispose();
            throw;
        }
        return files;
    }

    // ---- reports ----

    private void Report(SocketHandle sock)
    {
        if (_gets.Count > 0)
        {
            var values = new List<KeyValuePair<string, object?>>();
            try
            {
                foreach (var option in _gets)
                {
                    var value = sock.GetOpt(option.Level, option.Option);
                    if (value is null && sock.Error() is { } error) throw Failure("--get " + option.Name, error);
                    values.Add(new(option.Name, value));
                }
                Json.WriteDocument(_stdout, indented: false, w => Json.WriteObject(w, values));
            }
            finally
            {
                OptionDump.DisposeValues(values);
            }
        }
        if (_s.DumpOptions) Json.WriteDocument(_stdout, indented: true, w => OptionDump.Write(w, sock));
    }

    // ---- data ----

    private int Transfer(SocketHandle sock, List<SafeFileHandle> files, bool replyToSender)
    {
        bool stream = _s.SocketType != SOCK_DGRAM;
        if (files.Count > 0) SendFiles(sock, files);
        if (_s.RecvFd) ReceiveFiles(sock);
        if (_s.NoData) return ExitCodes.Ok;

        using var pump = new Pump(this, sock, stream, replyToSender);
        pump.Start();

        int received = 0;
        bool timedOut = false;
        var from = new SocketAddress();
        while (_s.Count is null || received < _s.Count)
        {
            if (_s.WaitMs is int ms)
            {
                var ready = Poll(ms, sock) ?? throw Failure("poll", Error());
                if (ready.Count == 0)
                {
                    timedOut = true;
                    break;
                }
            }
            if (_s.RecvMsg)
            {
                using var message = sock.RecvMsg(ReceiveSize, AncillarySize) ?? throw Failure("recvmsg", sock.Error());
                if (stream && message.Length == 0 && message.Ancillary is not { Count: > 0 }) break;
                Json.WriteDocument(_stdout, indented: false, w => WriteMessage(w, message));
                if (message.Address is { } a) pump.SetSender(a);
            }
            else
            {
                var data = sock.Recv(ReceiveSize, 0, from) ?? throw Failure("recv", sock.Error());
                if (stream && data.Length == 0) break;
                _stdout.Write(data);
                _stdout.Flush();
                if (replyToSender) pump.SetSender(from);
            }
            received++;
        }

        if (timedOut && _s.Count is int wanted)
            throw new CliException(ExitCodes.Timeout, $"{received} of {wanted} messages within {Seconds(_s.WaitMs!.Value)}");
        // The peer closed, or -c messages arrived: what stdin still holds is sent before the socket closes.
        if (!timedOut && _s.WaitForStdin) pump.WaitUntilDone();
        if (pump.Error is { } sendError) throw new CliException(ExitCodes.Failure, sendError);
        return ExitCodes.Ok;
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

    private void SendFiles(SocketHandle sock, List<SafeFileHandle> files)
    {
        string names = string.Join(" ", _s.SendFds.Select(Path.GetFileName));
        var rights = new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new FileDescriptors([.. files]));
        if (sock.SendMsg(Encoding.UTF8.GetBytes(names), new[] { rights }) is null) throw Failure("--send-fd", sock.Error());
        if (_s.Verbose) _stderr.WriteLine($"ucsock: sent {files.Count} descriptor(s): {names}");
    }

    private void ReceiveFiles(SocketHandle sock)
    {
        using var message = sock.RecvMsg(ReceiveSize, AncillarySize) ?? throw Failure("--recv-fd", sock.Error());
        var handles = message.TakeFileDescriptors();
        try
        {
            if (handles.Count == 0)
            {
                string why = message.IsControlTruncated ? "control data was truncated"
                    : message.Length == 0 ? "the peer closed the connection" : "the message carried none";
                throw new CliException(ExitCodes.Failure, $"--recv-fd: no descriptor received ({why})");
            }
            if (_s.Verbose)
            {
                string text = Encoding.UTF8.GetString(message.Buffers.Count > 0 ? message.Buffers[0] : []);
                _stderr.WriteLine($"ucsock: received {handles.Count} descriptor(s) with message \"{text}\"");
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
                    throw new CliException(ExitCodes.Failure, $"--recv-fd: reading the received descriptor failed: {e.Message}");
                }
            }
            _stdout.Flush();
        }
        finally
        {
            foreach (var h in handles) h.Dispose();
        }
    }

    /// <summary>Copies stdin to the socket on a background thread; for a datagram listener, to the latest sender.</summary>
    private sealed class Pump(Session session, SocketHandle sock, bool stream, bool replyToSender) : IDisposable
    {
        private readonly ManualResetEventSlim _done = new(false);
        private readonly ManualResetEventSlim _haveSender = new(false);
        private readonly CancellationTokenSource _stop = new();
        private SocketAddress? _sender;

        public string? Error { get; private set; }

        public void Start()
        {
            var thread = new Thread(Run) { IsBackground = true, Name = "ucsock stdin" };
            thread.Start();
        }

        public void SetSender(SocketAddress address)
        {
            if (!replyToSender) return;
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
                var buffer = new byte[ReceiveSize];
                while (!_stop.IsCancellationRequested)
                {
                    int n;
                    try
                    {
                        n = session._stdin.Read(buffer);
                    }
                    catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException)
                    {
                        break;
                    }
                    if (n == 0) break;
                    if (!Send(buffer.AsSpan(0, n))) return;
                }
                if (stream && !_stop.IsCancellationRequested) sock.Shutdown(SHUT_WR);
            }
            finally
            {
                _done.Set();
            }
        }

        private bool Send(ReadOnlySpan<byte> data)
        {
            SocketAddress? to = null;
            if (replyToSender)
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
                long? sent = sock.Send(data, 0, to);
                if (sent is null)
                {
                    if (!_stop.IsCancellationRequested) Error = "send: " + sock.Error();
                    return false;
                }
                if (!stream || sent.Value >= data.Length) return true;
                data = data[(int)sent.Value..];
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
        }
    }

    // ---- helpers ----

    private static CliException Failure(string what, string? error) =>
        new(ExitCodes.Failure, what + ": " + (error ?? "failed"));

    internal static string Describe(SocketAddress? address)
    {
        if (address is null) return "(unknown)";
        string text = address.ToString();
        if (text.Length > 0) return text;
        return address.Family == AF_UNIX ? "(unnamed)" : $"(family {address.Family})";
    }

    private static string Seconds(int ms) => (ms / 1000.0).ToString("0.###", CultureInfo.InvariantCulture) + " s";
}

/// <summary>
/// UNIX socket paths this process created, deleted on SIGINT/SIGTERM as on a normal exit, so an interrupted
/// listener does not leave its socket file behind.
/// </summary>
internal static class Cleanup
{
    private static readonly HashSet<string> s_paths = [];
    private static PosixSignalRegistration? s_int, s_term;

    public static void Register(string path)
    {
        lock (s_paths) s_paths.Add(path);
    }

    public static void Unregister(string path)
    {
        lock (s_paths) s_paths.Remove(path);
    }

    /// <summary>Installs the signal handlers (the ucsock process only; in-process runs do not).</summary>
    public static void InstallSignalHandlers()
    {
        s_int = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => DeleteAll());
        s_term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => DeleteAll());
    }

    private static void DeleteAll()
    {
        lock (s_paths)
        {
            foreach (var p in s_paths)
            {
                try
                {
                    File.Delete(p);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }
}
