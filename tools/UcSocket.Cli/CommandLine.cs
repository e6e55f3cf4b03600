using System;
using System.Collections.Generic;
using System.Globalization;
using static UcSocket.Sockets;

namespace UcSocket.Cli;

/// <summary>What ucsock was asked to do.</summary>
internal enum Command
{
    Help,
    Version,
    Connect,
    Listen,
    Socket,
    Options,
    Demo,
}

/// <summary>The parsed command line.</summary>
internal sealed class Settings
{
    public Command Command { get; set; } = Command.Help;

    /// <summary>The ADDRESS argument of connect and listen.</summary>
    public string? Address { get; set; }

    /// <summary>The PORT argument, when given separately.</summary>
    public int? Port { get; set; }

    /// <summary>SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET.</summary>
    public int SocketType { get; set; } = SOCK_STREAM;

    /// <summary>-4, -6 or --unix: 0 when none was given.</summary>
    public int Family { get; set; }

    /// <summary>-s: the local address to bind to.</summary>
    public string? Source { get; set; }

    /// <summary>-o NAME=VALUE, in order.</summary>
    public List<OptionSetting> SetOptions { get; } = [];

    /// <summary>--get NAME, in order.</summary>
    public List<string> Gets { get; } = [];

    public bool DumpOptions { get; set; }

    public bool NoData { get; set; }

    public List<string> SendFds { get; } = [];

    public bool RecvFd { get; set; }

    public bool RecvMsg { get; set; }

    public int? Count { get; set; }

    /// <summary>-w in milliseconds.</summary>
    public int? WaitMs { get; set; }

    public bool Verbose { get; set; }

    /// <summary>
    /// Whether a stream session waits for standard input to end after the peer closed. True for pipes and files
    /// (so nothing piped in is lost), false for a terminal.
    /// </summary>
    public bool WaitForStdin { get; set; } = true;
}

/// <summary>One -o argument: the option name and the value text as given.</summary>
internal sealed record OptionSetting(string Name, string Value)
{
    public override string ToString() => Name + "=" + Value;
}

/// <summary>A command line that cannot be understood: exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A failure at run time: the system refused something (exit code 1) or a wait timed out (exit code 3).</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>The exit codes scripts can rely on.</summary>
internal static class ExitCodes
{
    /// <summary>Everything asked for was done.</summary>
    public const int Ok = 0;

    /// <summary>A socket call, the resolver or the file system failed (the message says which and why).</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: unknown argument or option name, a value that does not convert.</summary>
    public const int Usage = 2;

    /// <summary>The -w time ran out: no connection, or fewer messages than -c asked for.</summary>
    public const int Timeout = 3;
}

/// <summary>Parses the command line; throws <see cref="UsageException"/> on anything it cannot take.</summary>
internal static class CommandLine
{
    public static Settings Parse(IReadOnlyList<string> args)
    {
        var s = new Settings();
        var positional = new List<string>();
        bool optionsEnded = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (optionsEnded || arg.Length < 2 || arg[0] != '-' || IsNegativeNumber(arg))
            {
                positional.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            // --name=value and -oVALUE forms
            string name = arg;
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                int eq = arg.IndexOf('=');
                if (eq > 0)
                {
                    name = arg[..eq];
                    inline = arg[(eq + 1)..];
                }
            }
            else if (arg.Length > 2 && TakesValue(arg[..2]))
            {
                name = arg[..2];
                inline = arg[2..];
            }

            string Value()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Count) throw new UsageException($"option {name} needs a value");
                return args[++i];
            }

            switch (name)
            {
                case "-h":
                case "--help":
                    s.Command = Command.Help;
                    return s;
                case "-V":
                case "--version":
                    s.Command = Command.Version;
                    return s;
                case "-t":
                case "--tcp":
                    s.SocketType = SOCK_STREAM;
                    break;
                case "-u":
                case "--udp":
                    s.SocketType = SOCK_DGRAM;
                    break;
                case "--seqpacket":
                    s.SocketType = SOCK_SEQPACKET;
                    break;
                case "-4":
                    s.Family = AF_INET;
                    break;
                case "-6":
                    s.Family = AF_INET6;
                    break;
                case "--unix":
                    s.Family = AF_UNIX;
                    break;
                case "-s":
                case "--source":
                    s.Source = Value();
                    break;
                case "-o":
                case "--option":
                    s.SetOptions.Add(ParseOptionArgument(Value()));
                    break;
                case "--get":
                    string get = Value();
                    if (get.Length == 0) throw new UsageException("--get needs an option name");
                    s.Gets.Add(get);
                    break;
                case "--dump-options":
                    s.DumpOptions = true;
                    break;
                case "-z":
                case "--no-data":
                    s.NoData = true;
                    break;
                case "--send-fd":
                    string file = Value();
                    if (file.Length == 0) throw new UsageException("--send-fd needs a file name");
                    s.SendFds.Add(file);
                    break;
                case "--recv-fd":
                    s.RecvFd = true;
                    break;
                case "--recvmsg":
                    s.RecvMsg = true;
                    break;
                case "-c":
                case "--count":
                    s.Count = ParseCount(name, Value());
                    break;
                case "-w":
                case "--wait":
                    s.WaitMs = ParseSeconds(name, Value());
                    break;
                case "-v":
                case "--verbose":
                    s.Verbose = true;
                    break;
                default:
                    throw new UsageException($"unknown option '{arg}'");
            }
        }

        if (positional.Count == 0) throw new UsageException("no command given (connect, listen, socket, options or demo)");
        string command = positional[0];
        var rest = positional.GetRange(1, positional.Count - 1);
        switch (command)
        {
            case "connect":
            case "listen":
                s.Command = command == "connect" ? Command.Connect : Command.Listen;
                if (rest.Count is < 1 or > 2) throw new UsageException($"{command} takes ADDRESS [PORT]");
                if (rest[0].Length == 0) throw new UsageException($"{command}: ADDRESS is empty");
                s.Address = rest[0];
                if (rest.Count == 2) s.Port = ParsePort(rest[1]);
                break;
            case "socket":
            case "options":
            case "demo":
            case "help":
                s.Command = command switch
                {
                    "socket" => Command.Socket,
                    "options" => Command.Options,
                    "demo" => Command.Demo,
                    _ => Command.Help,
                };
                if (rest.Count > 0) throw new UsageException($"{command} takes no arguments (got '{rest[0]}')");
                break;
            default:
                throw new UsageException($"unknown command '{command}' (connect, listen, socket, options or demo)");
        }
        Validate(s);
        return s;
    }

    private static void Validate(Settings s)
    {
        bool io = s.Command is Command.Connect or Command.Listen;
        if (!io)
        {
            if (s.SendFds.Count > 0 || s.RecvFd || s.RecvMsg || s.Count is not null || s.NoData)
                throw new UsageException("--send-fd, --recv-fd, --recvmsg, -c and -z apply to connect and listen only");
            if (s.Command != Command.Socket && (s.SetOptions.Count > 0 || s.Gets.Count > 0 || s.DumpOptions || s.Source is not null))
                throw new UsageException("-o, --get, --dump-options and -s apply to connect, listen and socket only");
        }
        if (s.RecvFd && s.RecvMsg) throw new UsageException("--recv-fd and --recvmsg cannot be combined");
        if (s.Command == Command.Listen && s.SocketType == SOCK_DGRAM && s.SendFds.Count > 0)
            throw new UsageException("--send-fd needs a peer: a datagram listener has none (send from the connecting side)");
        if (s.Command == Command.Listen && s.Source is not null)
            throw new UsageException("-s applies to connect and socket: listen binds to its ADDRESS");
        if (s.Command == Command.Socket && s.Family == 0) s.Family = AF_INET;
    }

    /// <summary>NAME=VALUE: the name is everything before the first '='.</summary>
    private static OptionSetting ParseOptionArgument(string text)
    {
        int eq = text.IndexOf('=');
        if (eq < 0) throw new UsageException($"-o {text}: expected NAME=VALUE");
        if (eq == 0) throw new UsageException($"-o {text}: the option name is missing");
        return new OptionSetting(text[..eq].Trim(), text[(eq + 1)..]);
    }

    private static int ParsePort(string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            throw new UsageException($"invalid PORT '{text}' (0 to 65535)");
        return port;
    }

    private static int ParseCount(string name, string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
            throw new UsageException($"{name} {text}: expected a positive number of messages");
        return n;
    }

    private static int ParseSeconds(string name, string text)
    {
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds)
            || double.IsNaN(seconds) || seconds <= 0 || seconds > int.MaxValue / 1000.0)
            throw new UsageException($"{name} {text}: expected a positive number of seconds");
        return Math.Max(1, (int)Math.Round(seconds * 1000));
    }

    private static bool TakesValue(string shortName) => shortName is "-o" or "-s" or "-c" or "-w";

    private static bool IsNegativeNumber(string arg) => arg.Length > 1 && arg[0] == '-' && char.IsAsciiDigit(arg[1]) && arg != "-4" && arg != "-6";

    /// <summary>The --help text.</summary>
    public const string Usage = """
        ucsock: a netcat-like tool on the UcSocket library (ucode's socket module for .NET)

        Usage:
          ucsock [options] connect ADDRESS [PORT]  connect, then copy stdin to the socket and the socket to stdout
          ucsock [options] listen ADDRESS [PORT]   bind (stream sockets: listen and accept one connection), then the same
          ucsock [options] socket                  create a socket, set -o, print --get / --dump-options, close
          ucsock options                           list every socket option the library knows (from its spec)
          ucsock demo                              run the demo: a loopback TCP exchange, descriptor passing, option dump
          ucsock --help | --version

        ADDRESS is 127.0.0.1:8080, [::1]:8080, a host name (with PORT or :PORT), a UNIX socket path containing '/',
        or @name for an abstract UNIX socket. Port 0 lets the kernel choose; listen reports the address it got on
        stderr as "listening on ADDRESS".

        Socket:
          -t, --tcp              stream socket (default)
          -u, --udp              datagram socket (UDP, or UNIX datagrams for a path)
              --seqpacket        SOCK_SEQPACKET (UNIX)
          -4, -6                 IPv4 / IPv6 only (name resolution; the family of 'socket')
              --unix             'socket': a UNIX socket
          -s, --source ADDRESS   bind to ADDRESS first (connect, socket)

        Socket options (by the spec's names: see 'ucsock options'):
          -o, --option NAME=VALUE  set an option before bind/connect, repeatable. VALUE is an integer (decimal or
                                 0x hex), true/false, text, or field=value,... for a struct:
                                 -o SO_REUSEADDR=true  -o TCP_CONGESTION=reno  -o SO_LINGER=onoff=1,linger=5
              --get NAME         print the option's value once connected, as one JSON object; repeatable
              --dump-options     print every option the socket can read as JSON once connected; options the
                                 kernel refuses for this socket are listed under "unreadable" with the reason
          listen applies -o to the listening socket, --get / --dump-options to the accepted one.

        Data:
          -z, --no-data          set up, report, send/receive descriptors, then close without copying data
              --send-fd FILE     (UNIX) send FILE, opened for reading, as a descriptor (SCM_RIGHTS) in one message
                                 whose bytes are the file's name; repeatable (all in one message)
              --recv-fd          (UNIX) receive one message carrying descriptors (SCM_RIGHTS) and copy what each
                                 descriptor reads to stdout
              --recvmsg          receive with recvmsg and print each message as one JSON line: length, flags,
                                 address, data, and its control messages (level, type, name, decoded data)
          -c, --count N          stop after N messages (datagrams, or reads on a stream)
          -w, --wait SECONDS     give up after SECONDS: connecting or accepting (exit 3), or waiting for data
                                 (the session ends; exit 3 if -c messages had not all arrived)
          -v, --verbose          report addresses and descriptors on stderr

        A stream session ends when the peer has closed and stdin has ended (stdin EOF shuts down the sending side).
        A datagram (-u) connect ends, with exit code 0, once stdin has ended and no reply has come for 1 s since then
        or since the last reply; -w SECONDS replaces that wait, -c N waits for N replies.
        Data in JSON: bytes are a string when they are printable UTF-8, else {"hex": "..."}.

        Exit codes:
          0  success
          1  a socket call, the resolver or the file system failed (the message names the call and the errno text)
          2  usage error: bad arguments, unknown option name, a value or struct field that does not convert
          3  timeout (-w)
        """;
}
