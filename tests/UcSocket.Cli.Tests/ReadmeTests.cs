using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace UcSocket.Cli.Tests;

/// <summary>The README stays true: its demo command exists, and its ucode table covers the whole module.</summary>
public class ReadmeTests
{
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "UcSocket.Gen.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("repository root");
    }

    private static string Readme => File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));

    [Fact]
    public void DemoCommandNamesTheTool()
    {
        Assert.Contains("dotnet run --project tools/UcSocket.Cli -- demo", Readme);
        Assert.True(File.Exists(Path.Combine(RepoRoot(), "tools/UcSocket.Cli/UcSocket.Cli.csproj")));
    }

    // ucode's module functions and socket handle methods (ucode lib/socket.c, the seed's handle API).
    [Theory]
    [InlineData("socket.create"), InlineData("socket.connect"), InlineData("socket.listen"), InlineData("socket.pair"),
     InlineData("socket.open"), InlineData("socket.sockaddr"), InlineData("socket.addrinfo"), InlineData("socket.nameinfo"),
     InlineData("socket.poll"), InlineData("socket.error"), InlineData("socket.strerror")]
    [InlineData("sock.accept"), InlineData("sock.bind"), InlineData("sock.close"), InlineData("sock.connect"),
     InlineData("sock.error"), InlineData("sock.fileno"), InlineData("sock.getopt"), InlineData("sock.listen"),
     InlineData("sock.peercred"), InlineData("sock.peername"), InlineData("sock.recv"), InlineData("sock.recvmsg"),
     InlineData("sock.send"), InlineData("sock.sendmsg"), InlineData("sock.setopt"), InlineData("sock.shutdown"),
     InlineData("sock.sockname")]
    public void UcodeTableHasEveryFunction(string name)
    {
        string section = Readme[Readme.IndexOf("## For ucode users", StringComparison.Ordinal)..];
        Assert.Matches(new Regex(@"^\| `" + Regex.Escape(name) + @"\(", RegexOptions.Multiline), section);
    }

    [Fact]
    public void ExitCodesInTheReadmeMatchTheTool()
    {
        string help = Cli.Run("--help").Stdout;
        foreach (var code in new[] { "0", "1", "2", "3" })
            Assert.Contains($"\n  {code}  ", help);
        Assert.Matches(@"\| 2 +\| usage error", Readme);
        Assert.Matches(@"\| 3 +\| timeout", Readme);
    }
}
