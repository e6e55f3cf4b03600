using System.Collections.Generic;
using UcSocket.Cli;
using Xunit;

namespace UcSocket.Cli.Tests;

/// <summary>Arguments ucsock cannot take: exit code 2 and a message that names the argument, before any socket exists.</summary>
public class CommandLineTests
{
    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "frob" }, "unknown command 'frob'")]
    [InlineData(new[] { "--frob", "socket" }, "unknown option '--frob'")]
    [InlineData(new[] { "connect" }, "connect takes ADDRESS [PORT]")]
    [InlineData(new[] { "connect", "127.0.0.1", "80", "extra" }, "connect takes ADDRESS [PORT]")]
    [InlineData(new[] { "connect", "127.0.0.1", "70000" }, "invalid PORT '70000'")]
    [InlineData(new[] { "connect", "127.0.0.1" }, "no port")]
    [InlineData(new[] { "connect", "127.0.0.1:80", "81" }, "the port is given twice")]
    [InlineData(new[] { "connect", "127.0.0.1:99999" }, "Invalid port number")]
    [InlineData(new[] { "connect", "/tmp/x.sock", "80" }, "PORT does not apply to a UNIX socket address")]
    [InlineData(new[] { "-4", "connect", "[::1]:80" }, "not an IPv4 address")]
    [InlineData(new[] { "-c", "0", "listen", "127.0.0.1:0" }, "-c 0: expected a positive number")]
    [InlineData(new[] { "-w", "soon", "listen", "127.0.0.1:0" }, "-w soon: expected a positive number of seconds")]
    [InlineData(new[] { "--recv-fd", "--recvmsg", "listen", "@x" }, "cannot be combined")]
    [InlineData(new[] { "--recvmsg", "socket" }, "apply to connect and listen only")]
    [InlineData(new[] { "-u", "--send-fd", "/etc/hostname", "listen", "@x" }, "--send-fd needs a peer")]
    [InlineData(new[] { "-o", "SO_REUSEADDR=1", "options" }, "apply to connect, listen and socket only")]
    [InlineData(new[] { "-s", "127.0.0.1:0", "listen", "127.0.0.1:0" }, "-s applies to connect and socket")]
    [InlineData(new[] { "socket", "extra" }, "socket takes no arguments")]
    [InlineData(new[] { "-o" }, "option -o needs a value")]
    [InlineData(new[] { "--get=", "socket" }, "--get needs an option name")]
    [InlineData(new[] { "--send-fd", "/etc/hostname", "connect", "127.0.0.1:9" }, "--send-fd needs a UNIX socket")]
    public void BadArgumentsAreUsageErrors(string[] args, string message)
    {
        var r = Cli.Run(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.Contains("Try 'ucsock --help'", r.Stderr);
        Assert.Empty(r.StdoutBytes);
    }

    [Theory]
    [InlineData("-o", "SO_REUSEADDR", "expected NAME=VALUE")]
    [InlineData("-o", "=1", "the option name is missing")]
    [InlineData("-o", "SO_LINGR=1", "unknown socket option 'SO_LINGR' (did you mean SO_LINGER?)")]
    [InlineData("-o", "NO_SUCH_THING=1", "unknown socket option 'NO_SUCH_THING'")]
    [InlineData("-o", "SO_TYPE=1", "SO_TYPE is read-only")]
    [InlineData("-o", "SO_LINGER=onoff=yes", "Unable to convert field onoff to integer (string \"yes\")")]
    [InlineData("-o", "SO_LINGER=onoff=1,bogus=2", "Unknown field 'bogus' for struct linger")]
    [InlineData("-o", "SO_LINGER=onoff=1,onoff=2", "field onoff is given twice")]
    [InlineData("-o", "SO_LINGER=onoff=1,linger", "expected field=value, got 'linger'")]
    [InlineData("-o", "SO_LINGER=onoff=1,", "a field is missing after the last ','")]
    [InlineData("-o", "SO_LINGER=onoff=99999999999", "field onoff is out of range")]
    [InlineData("-o", "SO_RCVBUF=abc", "Unable to convert value to integer (string \"abc\"")]
    [InlineData("-o", "SO_RCVBUF=2147483648", "is not an int")]
    [InlineData("-o", "SO_KEEPALIVE=maybe", "Unable to convert value to boolean")]
    [InlineData("-o", "SO_RCVTIMEO={sec=1", "'{' is not closed")]
    [InlineData("--get", "IP_ADD_MEMBERSHIP", "IP_ADD_MEMBERSHIP is write-only")]
    [InlineData("--get", "SO_LINGR", "unknown socket option 'SO_LINGR'")]
    public void BadOptionNamesAndValuesAreUsageErrorsNamingThem(string flag, string value, string message)
    {
        var r = Cli.Run(flag, value, "socket");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{flag} {value}".TrimEnd('='), r.Stderr);
        Assert.Contains(message, r.Stderr);
        Assert.Empty(r.StdoutBytes);
    }

    [Fact]
    public void HelpDocumentsTheExitCodes()
    {
        var r = Cli.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Exit codes:", r.Stdout);
        Assert.Contains("2  usage error", r.Stdout);
        Assert.Contains("3  timeout", r.Stdout);
        Assert.Equal(r.Stdout, Cli.Run("help").Stdout);
    }

    [Fact]
    public void VersionIsTheAssemblyVersion()
    {
        var r = Cli.Run("--version");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("ucsock 0.1.0\n", r.Stdout);
    }

    [Fact]
    public void OptionsListsEveryRegisteredOption()
    {
        var r = Cli.Run("options");
        Assert.Equal(0, r.ExitCode);
        foreach (var option in SpecRegistry.Options) Assert.Contains(option.Name, r.Stdout);
        Assert.Matches(@"\nSO_LINGER +1 +13 +rw +struct linger\n", r.Stdout);   // SOL_SOCKET 1, SO_LINGER 13 (asm-generic/socket.h)
        Assert.Matches(@"\nSO_TYPE +1 +3 +r +int\n", r.Stdout);
        Assert.Matches(@"\nIP_ADD_MEMBERSHIP +0 +35 +w +struct ip_mreqn\n", r.Stdout);
        Assert.EndsWith($"{SpecRegistry.Options.Count} options\n", r.Stdout);
    }

    [Fact]
    public void InlineAndSeparateValuesAreTheSame()
    {
        var a = CommandLine.Parse(["-oSO_RCVBUF=1", "--get=SO_TYPE", "-w0.5", "--count=3", "listen", "127.0.0.1:0"]);
        var b = CommandLine.Parse(["-o", "SO_RCVBUF=1", "--get", "SO_TYPE", "-w", "0.5", "-c", "3", "listen", "127.0.0.1:0"]);
        foreach (var s in new[] { a, b })
        {
            Assert.Equal(Command.Listen, s.Command);
            Assert.Equal(new OptionSetting("SO_RCVBUF", "1"), Assert.Single(s.SetOptions));
            Assert.Equal("SO_TYPE", Assert.Single(s.Gets));
            Assert.Equal(500, s.WaitMs);
            Assert.Equal(3, s.Count);
        }
    }

    [Fact]
    public void OptionsMayFollowTheCommandAndDoubleDashEndsThem()
    {
        var s = CommandLine.Parse(["connect", "-u", "127.0.0.1:53", "-v"]);
        Assert.Equal(Command.Connect, s.Command);
        Assert.Equal(Sockets.SOCK_DGRAM, s.SocketType);
        Assert.True(s.Verbose);
        Assert.Equal("127.0.0.1:53", s.Address);

        var t = CommandLine.Parse(["connect", "--", "-weird/path"]);
        Assert.Equal("-weird/path", t.Address);
    }

    public static IEnumerable<object?[]> Values() =>
    [
        ["5", 5L],
        ["-5", -5L],
        ["0x1F", 31L],
        ["-0x10", -16L],
        ["true", true],
        ["false", false],
        ["reno", "reno"],
        ["1.2.3.4", "1.2.3.4"],
        ["", ""],
    ];

    [Theory]
    [MemberData(nameof(Values))]
    public void ScalarValuesReadAsUcodeValues(string text, object expected)
    {
        Assert.Equal(expected, new OptionValues.ValueReader(text).ReadTop());
    }

    [Fact]
    public void FieldListsReadAsDictionaries()
    {
        var d = Assert.IsType<Dictionary<string, object?>>(new OptionValues.ValueReader("onoff=1,linger=5").ReadTop());
        Assert.Equal(new Dictionary<string, object?> { ["onoff"] = 1L, ["linger"] = 5L }, d);

        var nested = Assert.IsType<Dictionary<string, object?>>(
            new OptionValues.ValueReader("a={b=true,c=x},d=[1,2,0x3],e=").ReadTop());
        Assert.Equal(new Dictionary<string, object?> { ["b"] = true, ["c"] = "x" }, nested["a"]);
        Assert.Equal(new List<object?> { 1L, 2L, 3L }, nested["d"]);
        Assert.Equal("", nested["e"]);

        var braces = Assert.IsType<Dictionary<string, object?>>(new OptionValues.ValueReader("{sec=2,usec=0}").ReadTop());
        Assert.Equal(2L, braces["sec"]);
    }
}
