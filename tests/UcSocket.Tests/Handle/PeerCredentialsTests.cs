using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Handle;

/// <summary>PeerCredentials in ucode's form: peercred() returns { uid, gid, pid } (lib/socket.c).</summary>
public class PeerCredentialsTests
{
    [Fact]
    public void ToDictionaryHasUcodesFieldsAndTheProcessIds()
    {
        using var p = Pair()!;
        var d = p[1].PeerCred()!.ToDictionary();
        Assert.Equal(new[] { "gid", "pid", "uid" }, d.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ProcStatusId("Uid"), d["uid"]);
        Assert.Equal(ProcStatusId("Gid"), d["gid"]);
        Assert.Equal(Environment.ProcessId, d["pid"]);
    }

    /// <summary>The effective id from /proc/self/status ("Uid:"/"Gid:" real, effective, saved, fs).</summary>
    private static uint ProcStatusId(string key)
    {
        var line = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return uint.Parse(line.Split(new[] { '\t', ' ' }, StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
    }
}
