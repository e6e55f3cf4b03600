using System;
using System.Globalization;
using System.IO;
using UcSocket.Handoff;

// handoff: a TCP echo service whose listening socket and live connections move to a freshly started worker
// process on demand, without a client noticing. See README.md.

string Option(string name, string fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}

int Number(string name, int fallback) =>
    int.TryParse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
        ? n
        : throw new ArgumentException($"{name} wants a positive number");

string control = Option("--control", Path.Combine(Path.GetTempPath(), "ucsocket-handoff.ctl"));
try
{
    return args.Length == 0 ? Usage() : args[0] switch
    {
        "run" => await Supervisor.RunAsync(Option("--listen", "127.0.0.1:7070"), control),
        "worker" => await Worker.RunAsync(control, Number("--generation", 1)),
        "upgrade" or "status" or "stop" => await ControlClient.RunAsync(args[0], control),
        "load" => await LoadClient.RunAsync(Option("--connect", "127.0.0.1:7070"), Number("--clients", 8), Number("--seconds", 30)),
        _ => Usage(),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"handoff: {ex.Message}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: handoff run [--listen HOST:PORT] [--control PATH]   the service: a supervisor and its worker
               handoff upgrade [--control PATH]                   hand the service over to a new worker (or: kill -HUP <supervisor>)
               handoff status [--control PATH]                    generation and pid of the serving worker
               handoff stop [--control PATH]                      stop gracefully (or: kill -TERM <supervisor>, Ctrl-C)
               handoff load [--connect HOST:PORT] [--clients N] [--seconds N]
                                                                  clients that stream data and check every echoed byte
        defaults: --listen 127.0.0.1:7070, --control $TMPDIR/ucsocket-handoff.ctl
        """);
    return 2;
}
