using System;
using System.IO;
using System.Text.Json;
using Xunit;

namespace UcSocket.Cli.Tests;

public class DemoTests
{
    [Fact]
    public void DemoRunsEndToEnd()
    {
        var r = Cli.Run("demo");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Empty(r.Stderr);
        string text = r.Stdout;
        Assert.Matches(@"1\. TCP listener on 127\.0\.0\.1:\d+", text);
        Assert.Contains("client sent \"hello from ucsock\", server answered \"HELLO FROM UCSOCK\"", text);
        Assert.Contains("GetOpt gives {\"onoff\":1,\"linger\":5}", text);
        Assert.Contains("GetOpt(SockOpt.SoLinger) gives Linger { OnOff = 1, Seconds = 2 }", text);
        Assert.Contains("Error() = \"Unable to convert field onoff to integer (string \"yes\"): Invalid argument\"", text);
        Assert.Matches(@"received ""here is a file"" with SCM_RIGHTS: \[\d+\]", text);
        Assert.Contains("read from it: this text was read through a descriptor received with SCM_RIGHTS", text);

        int start = text.IndexOf("\n{\n", StringComparison.Ordinal) + 1;
        int end = text.IndexOf("\n}\n", start, StringComparison.Ordinal) + 2;
        var dump = JsonDocument.Parse(text[start..end]).RootElement;
        var options = dump.GetProperty("options");
        Assert.Equal(1, options.GetProperty("SO_TYPE").GetInt32());                          // SOCK_STREAM
        Assert.Equal(1, options.GetProperty("TCP_INFO").GetProperty("state").GetInt32());    // TCP_ESTABLISHED
        Assert.Equal(2, options.GetProperty("SO_LINGER").GetProperty("linger").GetInt32());
        Assert.Contains($"The library knows {SpecRegistry.Options.Count} socket options", text);

        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $"ucsock-demo-{Environment.ProcessId}.txt"));
    }
}
