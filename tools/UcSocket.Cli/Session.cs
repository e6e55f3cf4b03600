using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Microsoft.Win32.SafeHandles;
using static UcSocket.Sockets;

namespace UcSocket.Cli;

/// <summary>
/// One run of connect, listen or socket: set up the socket, report its options, move the data (Session.Data.cs).
/// Every message about a socket names its endpoint in full, host and port.
/// </summary>
internal sealed partial class Session
{
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
        string endpoint = Addresses.Endpoint(_s);
        var targets = Addresses.Resolve(_s, passive: false);
        var files = OpenFilesToSend(targets[0]);
        try
        {
            SocketHandle? sock = null;
            string? lastError = null;
            SocketAddress lastTarget = targets[0];
            foreach (var target in targets)
            {
                lastTarget = target;
                var candidate = Create(target.Family, _s.SocketType) ?? throw Failure($"socket for {Describe(target)}", Error());
                try
                {
                    ApplyOptions(candidate);
                    if (_s.Source is not null) BindSource(candidate);
                    if (ConnectWithin(candidate, target, endpoint, out lastError))
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
            if (sock is null) throw Failure("connect to " + Named(endpoint, lastTarget), lastError);
            using (sock)
            {
                string peer = Describe(sock.PeerName());
                if (_s.Verbose) _stderr.WriteLine($"ucsock: connected to {peer} from {Describe(sock.SockName())}");
                Report(sock);
                return Transfer(sock, files, replyToSender: false, peer);
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
            using var sock = Create(local.Family, _s.SocketType) ?? throw Failure($"socket for {Describe(local)}", Error());
            ApplyOptions(sock);
            if (sock.Bind(local) is null) throw Failure($"bind to {Describe(local)}", sock.Error());
            if (local.Family == AF_UNIX && local.Path is { Length: > 0 } path && path[0] != '@')
            {
                createdPath = path;
                Cleanup.Register(path);
            }
            string here = Describe(sock.SockName());

            if (_s.SocketType == SOCK_DGRAM)
            {
                _stderr.WriteLine($"ucsock: listening on {here}");
                Report(sock);
                return Transfer(sock, files, replyToSender: true, here);
            }

            if (sock.Listen() is null) throw Failure($"listen on {here}", sock.Error());
            _stderr.WriteLine($"ucsock: listening on {here}");
            if (_s.WaitMs is int ms)
            {
                var ready = Poll(ms, sock) ?? throw Failure($"poll on {here}", Error());
                if (ready.Count == 0) throw new CliException(ExitCodes.Timeout, $"listen on {here}: no connection within {Seconds(ms)}");
            }
            using var peer = sock.Accept(out var from) ?? throw Failure($"accept on {here}", sock.Error());
            if (_s.Verbose) _stderr.WriteLine($"ucsock: connection from {Describe(from)}");
            Report(peer);
            // A UNIX client is usually unnamed: the listener's own address then says which connection this is.
            string peerName = Describe(from);
            return Transfer(peer, files, replyToSender: false, peerName is "(unnamed)" or "(unknown)" ? "the peer on " + here : peerName);
        }
        finally
        {
            foreach (var f in files) f.Dispose();
            if (createdPath is not null) Cleanup.DeleteAndUnregister(createdPath);
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
        if (sock.Bind(source) is null) throw Failure($"bind to {Describe(source)}", sock.Error());
    }

    /// <summary>
    /// Connects; with -w, the wait is bounded by SO_SNDTIMEO, which Linux applies to connect (restored after).
    /// A connect that runs out of time is exit code 3.
    /// </summary>
    private bool ConnectWithin(SocketHandle sock, SocketAddress target, string endpoint, out string? error)
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
                throw new CliException(ExitCodes.Timeout, $"connect to {Named(endpoint, target)}: no connection within {Seconds(w)}");
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

    // ---- helpers ----

    private static CliException Failure(string what, string? error) =>
        new(ExitCodes.Failure, what + ": " + (error ?? "failed"));

    /// <summary>The endpoint as given, with the address it resolved to when that reads differently (a host name).</summary>
    private static string Named(string endpoint, SocketAddress address)
    {
        string resolved = Describe(address);
        return resolved == endpoint ? endpoint : $"{endpoint} ({resolved})";
    }

    internal static string Describe(SocketAddress? address)
    {
        if (address is null) return "(unknown)";
        string text = address.ToString();
        if (text.Length > 0) return text;
        return address.Family == AF_UNIX ? "(unnamed)" : $"(family {address.Family})";
    }

    private static string Seconds(int ms) => (ms / 1000.0).ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
