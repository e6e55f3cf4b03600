using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using Xunit;

namespace UcSocket.Cli.Tests;

/// <summary>
/// The native (AOT-compiled) ucsock that tools/publish-aot.sh builds: it must run what the managed one runs.
/// tools/run-tests.sh publishes it before the tests; when it is missing, the test publishes it itself.
/// </summary>
public class AotTests
{
    private static readonly object Gate = new();

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "UcSocket.Gen.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("repository root");
    }

    private static string NativeUcsock()
    {
        lock (Gate)
        {
            string root = RepoRoot();
            string binary = Path.Combine(root, "artifacts", "ucsock-aot", "ucsock");
            if (File.Exists(binary)) return binary;
            var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(Path.Combine(root, "tools", "publish-aot.sh"));
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(10)), "publish-aot.sh did not finish");
            Assert.True(p.ExitCode == 0, $"publish-aot.sh failed:\n{stdout.Result}\n{stderr.Result}");
            return binary;
        }
    }

    private static (int Code, string Stdout, string Stderr) Run(string input, params string[] args)
    {
        var psi = new ProcessStartInfo(NativeUcsock())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(input);
        p.StandardInput.Close();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(30)), "native ucsock did not exit");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void NativeUcsockSetsReadsAndDumpsOptions()
    {
        var (code, stdout, stderr) = Run("", "-o", "SO_LINGER=onoff=1,linger=5", "--get", "SO_LINGER", "--get", "SO_TYPE", "socket");
        Assert.True(code == 0, stderr);
        Assert.Equal("{\"SO_LINGER\":{\"onoff\":1,\"linger\":5},\"SO_TYPE\":1}\n", stdout);

        (code, stdout, stderr) = Run("", "--dump-options", "socket");
        Assert.True(code == 0, stderr);
        var options = System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetProperty("options");
        Assert.Equal(6, options.GetProperty("SO_PROTOCOL").GetInt32());   // IPPROTO_TCP
        Assert.Equal(7, options.GetProperty("TCP_INFO").GetProperty("state").GetInt32());   // TCP_CLOSE

        (code, _, stderr) = Run("", "-o", "SO_LINGER=onoff=yes", "socket");
        Assert.Equal(2, code);
        Assert.Contains("Unable to convert field onoff to integer", stderr);
    }

    [Fact]
    public void NativeUcsockRunsTheDemo()
    {
        var (code, stdout, stderr) = Run("", "demo");
        Assert.True(code == 0, stderr);
        Assert.Contains("server answered \"HELLO FROM UCSOCK\"", stdout);
        Assert.Contains("read from it: this text was read through a descriptor received with SCM_RIGHTS", stdout);
    }

    [Fact]
    public void NativeUcsockExchangesWithTheManagedOne()
    {
        var server = Cli.StartWithInput(Encoding.UTF8.GetBytes("managed"), "listen", "@ucsock-aot-" + Guid.NewGuid().ToString("N"));
        string address = server.ListeningOn();
        var (code, stdout, stderr) = Run("native", "connect", address);
        Assert.True(code == 0, stderr);
        Assert.Equal("managed", stdout);
        Assert.Equal("native", server.Finish().Stdout);
    }
}
