using System;
using System.Collections.Generic;
using UcSocket;
using static UcSocket.Sockets;

// A small tour: typed and ucode-style options on a real socket, through the tables generated from spec/.
using var s = Create(AF_INET, SOCK_STREAM);
if (s is null)
{
    Console.Error.WriteLine(Error());
    return 1;
}

s.SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 5));
Console.WriteLine($"typed SO_LINGER       -> {s.GetOpt(SockOpt.SoLinger)}");

s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { ["onoff"] = 1, ["linger"] = 9 });
var linger = (Dictionary<string, object?>)s.GetOpt(SOL_SOCKET, SO_LINGER)!;
Console.WriteLine($"ucode SO_LINGER       -> {{ onoff: {linger["onoff"]}, linger: {linger["linger"]} }}");

Console.WriteLine($"SO_TYPE               -> {s.GetOpt(SOL_SOCKET, SO_TYPE)} (SOCK_STREAM = {SOCK_STREAM})");
#pragma warning disable UCS101, UCS102, UCS105 // the demo shows the errors these calls get at run time
Console.WriteLine($"setopt SO_TYPE        -> {s.SetOpt(SOL_SOCKET, SO_TYPE, 1)?.ToString() ?? "null"}: {Error()}");
Console.WriteLine($"getopt (1, 9999)      -> {s.GetOpt(1, 9999) ?? "null"}: {Error()}");
Console.WriteLine($"bad field             -> {s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { ["onoff"] = "yes" })?.ToString() ?? "null"}: {Error()}");
#pragma warning restore UCS101, UCS102, UCS105
Console.WriteLine($"registered            -> {SpecRegistry.Options.Count} options, {SpecRegistry.ControlMessages.Count} control messages, {SpecRegistry.Families.Count} families");
return 0;
