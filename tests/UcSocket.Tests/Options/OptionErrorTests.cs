using System;
using System.Collections.Generic;
using System.Threading;
using Xunit;
using static UcSocket.Sockets;

// These tests give the library options and values it must refuse at run time: the compile-time checks would refuse them first.
#pragma warning disable UCS101, UCS102, UCS103, UCS105

namespace UcSocket.Tests.Options;

/// <summary>
/// The error paths of GetOpt/SetOpt: ucode's messages and codes, fields named in conversion errors, nothing
/// half-applied, errors cleared by success and kept per thread, closed handles.
/// </summary>
public class OptionErrorTests
{
    private static Dictionary<string, object?> Dict(params (string Key, object? Value)[] items)
    {
        var d = new Dictionary<string, object?>();
        foreach (var (k, v) in items) d[k] = v;
        return d;
    }

    private static void AssertError(SocketHandle s, int code, string message)
    {
        Assert.Equal(code, s.Error(true));
        Assert.Equal(message, s.Error());
        // The module-level error() reads the same record.
        Assert.Equal(code, Error(true));
        Assert.Equal(message, Error());
    }

    // ---- unknown (level, option) ----

    [Theory]
    [InlineData(SOL_SOCKET, 9999)]
    [InlineData(12345, SO_TYPE)]
    [InlineData(IPPROTO_TCP, 99)]
    public void UnknownLevelOrOption_GetIsNullWithEinval(int level, int option)
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.GetOpt(level, option));
        AssertError(s, 22, "Unknown socket level or option: Invalid argument");
    }

    [Fact]
    public void UnknownLevelOrOption_SetIsNullWithEinval()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.SetOpt(SOL_SOCKET, 9999, 1));
        AssertError(s, 22, "Unknown socket level or option: Invalid argument");
    }

    // ---- read-only and write-only options ----

    [Theory]
    [InlineData(SOL_SOCKET, SO_TYPE)]
    [InlineData(SOL_SOCKET, SO_ERROR)]
    [InlineData(SOL_SOCKET, SO_PEERCRED)]
    [InlineData(IPPROTO_TCP, TCP_INFO)]
    public void SetOfAReadOnlyOption_IsEopnotsupp(int level, int option)
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.SetOpt(level, option, 1));
        AssertError(s, 95, "Socket option is read only: Operation not supported");
    }

    [Theory]
    [InlineData(IP_ADD_MEMBERSHIP)]
    [InlineData(IP_DROP_MEMBERSHIP)]
    public void GetOfAWriteOnlyOption_IsEopnotsupp(int option)
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(s.GetOpt(IPPROTO_IP, option));
        AssertError(s, 95, "Socket option is write only: Operation not supported");
    }

    // ---- dictionary fields that do not convert ----

    public static IEnumerable<object[]> BadLingerFields()
    {
        yield return new object[] { Dict(("onoff", 1), ("linger", "five")), "linger" };          // string for an int
        yield return new object[] { Dict(("onoff", "yes"), ("linger", 5)), "onoff" };
        yield return new object[] { Dict(("onoff", 1), ("linger", 1L << 40)), "linger" };        // does not fit an int
        yield return new object[] { Dict(("onoff", 1), ("linger", -3_000_000_000L)), "linger" };
        yield return new object[] { Dict(("onoff", 1), ("linger", 2.5)), "linger" };             // not an integer
        yield return new object[] { Dict(("onoff", 1), ("lingr", 5)), "lingr" };                 // unknown key
        yield return new object[] { Dict(("onoff", 1), ("linger", new object())), "linger" };
    }

    [Theory]
    [MemberData(nameof(BadLingerFields))]
    public void Linger_BadFieldIsEinvalNamingTheField_AndNothingIsSet(Dictionary<string, object?> value, string field)
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Raw.Set(s.FileNo(), SOL_SOCKET, SO_LINGER, new byte[] { 1, 0, 0, 0, 7, 0, 0, 0 });

        Assert.Null(s.SetOpt(SOL_SOCKET, SO_LINGER, value));
        Assert.Equal(22, s.Error(true));
        var message = s.Error()!;
        Assert.Contains(field, message);
        Assert.EndsWith(": Invalid argument", message);

        // The kernel still has the old value: nothing was truncated or half-written.
        Assert.Equal(new byte[] { 1, 0, 0, 0, 7, 0, 0, 0 }, Raw.Get(s.FileNo(), SOL_SOCKET, SO_LINGER, 8));
    }

    [Fact]
    public void Linger_OutOfRangeMessageGivesTheValueAndTheRange()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_LINGER, Dict(("linger", 1L << 40))));
        Assert.Equal("Value 1099511627776 of field linger is out of range [-2147483648, 2147483647]: Invalid argument", s.Error());
    }

    [Fact]
    public void Linger_UnknownKeyMessageListsTheFields()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_LINGER, Dict(("lingr", 5))));
        Assert.Equal("Unknown field 'lingr' for struct linger (fields: onoff, linger): Invalid argument", s.Error());
    }

    [Theory]
    [InlineData("multiaddr", "239.1.2.300")]
    [InlineData("multiaddr", "not an address")]
    [InlineData("multiaddr", "::1")]
    [InlineData("address", "127.0.0.01")]
    [InlineData("address", "")]
    public void Mreqn_BadIpTextIsEinvalNamingTheField(string field, string text)
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        var value = Dict(("multiaddr", "239.7.3.1"), ("ifindex", "lo"));
        value[field] = text;
        Assert.Null(s.SetOpt(IPPROTO_IP, IP_ADD_MEMBERSHIP, value));
        Assert.Equal(22, s.Error(true));
        Assert.StartsWith($"Unable to convert field {field} to IP address", s.Error());
        Assert.False(Raw.IgmpHasGroup("lo", "239.7.3.1"));
    }

    [Fact]
    public void Mreqn_UnknownInterfaceNameIsNamed()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(s.SetOpt(IPPROTO_IP, IP_ADD_MEMBERSHIP, Dict(("multiaddr", "239.7.3.2"), ("ifindex", "nosuchif0"))));
        Assert.StartsWith("Unable to resolve interface nosuchif0 (field ifindex): ", s.Error());
        Assert.NotNull(s.Error(true));
    }

    [Fact]
    public void Timeval_StringForAnIntFieldIsNamed()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_RCVTIMEO, Dict(("sec", 1), ("usec", "lots"))));
        Assert.Equal("Unable to convert field usec to integer (string \"lots\"): Invalid argument", s.Error());
        Assert.Equal(22, s.Error(true));
    }

    [Fact]
    public void StructOption_AcceptsDictionariesOfAnyValueType()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Equal(true, s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, int> { ["onoff"] = 1, ["linger"] = 4 }));
        Assert.Equal(new byte[] { 1, 0, 0, 0, 4, 0, 0, 0 }, Raw.Get(s.FileNo(), SOL_SOCKET, SO_LINGER, 8));
        Assert.Equal(true, s.SetOpt(SOL_SOCKET, SO_LINGER, new SortedDictionary<string, long> { ["onoff"] = 1, ["linger"] = 6 }));
        Assert.Equal(new byte[] { 1, 0, 0, 0, 6, 0, 0, 0 }, Raw.Get(s.FileNo(), SOL_SOCKET, SO_LINGER, 8));

        // ... and still names what does not convert.
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, string> { ["onoff"] = "1", ["linger"] = "long" }));
        Assert.Equal("Unable to convert field linger to integer (string \"long\"): Invalid argument", s.Error());
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<int, int> { [1] = 1 }));
        Assert.Equal(22, s.Error(true));
        Assert.Contains("struct linger", s.Error());
        Assert.Equal(new byte[] { 1, 0, 0, 0, 6, 0, 0, 0 }, Raw.Get(s.FileNo(), SOL_SOCKET, SO_LINGER, 8));
    }

    [Fact]
    public void StructOption_GivenANonDictionarySaysWhatItExpects()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_LINGER, 5));
        Assert.Equal(22, s.Error(true));
        Assert.Contains("struct linger", s.Error());
    }

    [Theory]
    [InlineData("many")]
    [InlineData(1L << 40)]
    [InlineData(-3_000_000_000L)]
    [InlineData(1.5)]
    public void IntOption_ValueThatIsNoIntIsEinval_AndNotTruncated(object value)
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        int before = Raw.GetInt(s.FileNo(), SOL_SOCKET, SO_RCVBUF);
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_RCVBUF, value));
        Assert.Equal(22, s.Error(true));
        Assert.StartsWith("Unable to convert value to integer", s.Error());
        Assert.Equal(before, Raw.GetInt(s.FileNo(), SOL_SOCKET, SO_RCVBUF));
    }

    [Fact]
    public void BoolOption_ValueThatIsNoNumberIsEinval()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_REUSEADDR, "yes please"));
        Assert.Equal(22, s.Error(true));
        Assert.StartsWith("Unable to convert value to boolean", s.Error());
        Assert.Equal(0, Raw.GetInt(s.FileNo(), SOL_SOCKET, SO_REUSEADDR));
    }

    [Fact]
    public void CStringOption_WithAnEmbeddedNulIsRejectedNotCut()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_BINDTODEVICE, "lo\0junk"));
        Assert.Equal(22, s.Error(true));
        Assert.Empty(Raw.Get(s.FileNo(), SOL_SOCKET, SO_BINDTODEVICE, 16));
    }

    // ---- success clears, the record is per thread ----

    [Fact]
    public void ASucceedingCallClearsTheError()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.GetOpt(SOL_SOCKET, 9999));
        Assert.NotNull(s.Error());

        Assert.Equal(SOCK_STREAM, s.GetOpt(SOL_SOCKET, SO_TYPE));
        Assert.Null(s.Error());
        Assert.Null(s.Error(true));
        Assert.Null(Error());

        Assert.Null(s.SetOpt(SOL_SOCKET, SO_TYPE, 1));
        Assert.NotNull(s.Error());
        Assert.Equal(true, s.SetOpt(SockOpt.SoReuseAddr, true));
        Assert.Null(s.Error());

        Assert.Null(s.SetOpt(SOL_SOCKET, SO_LINGER, Dict(("bogus", 1))));
        Assert.NotNull(s.Error());
        Assert.NotNull(s.GetOpt(SockOpt.SoLinger));
        Assert.Null(s.Error());
    }

    [Fact]
    public void TheErrorRecordIsPerThread()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.GetOpt(SOL_SOCKET, 9999));
        Assert.Equal(22, s.Error(true));

        object? seenByOther = "unset", otherAfterOwn = null;
        string? otherMessage = null;
        var thread = new Thread(() =>
        {
            seenByOther = s.Error(true);
            s.SetOpt(SOL_SOCKET, SO_TYPE, 1); // read-only: EOPNOTSUPP on that thread
            otherAfterOwn = s.Error(true);
            otherMessage = Error();
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)));

        Assert.Null(seenByOther);
        Assert.Equal(95, otherAfterOwn);
        Assert.Equal("Socket option is read only: Operation not supported", otherMessage);
        // This thread still has its own error, untouched by the other thread's.
        Assert.Equal(22, s.Error(true));
        Assert.Equal("Unknown socket level or option: Invalid argument", s.Error());
    }

    // ---- closed handles ----

    [Fact]
    public void ClosedHandle_IsEbadfInvalidSocketContext()
    {
        var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Equal(true, s.Close());

        Assert.Null(s.GetOpt(SOL_SOCKET, SO_TYPE));
        AssertError(s, 9, "Invalid socket context: Bad file descriptor");

        using (var other = Create(AF_INET, SOCK_STREAM)!)
            Assert.Equal(SOCK_STREAM, other.GetOpt(SockOpt.SoType)); // clears the record
        Assert.Null(Error());
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_REUSEADDR, true));
        AssertError(s, 9, "Invalid socket context: Bad file descriptor");

        Assert.Null(s.GetOpt(SockOpt.SoType));
        AssertError(s, 9, "Invalid socket context: Bad file descriptor");
        Assert.False(s.TryGetOpt(SockOpt.SoLinger, out _));
        AssertError(s, 9, "Invalid socket context: Bad file descriptor");
        Assert.Null(s.SetOpt(SockOpt.SoLinger, new Linger(1, 1)));
        AssertError(s, 9, "Invalid socket context: Bad file descriptor");
        Assert.Null(s.GetOpt(SockOpt.TcpCongestion));
        AssertError(s, 9, "Invalid socket context: Bad file descriptor");
    }

    [Fact]
    public void ClosedHandle_IsCheckedBeforeTheOptionAndTheValue()
    {
        // As in ucode, whose methods check the socket context before looking at their arguments: a closed
        // handle answers EBADF whatever else is wrong with the call.
        var s = Create(AF_INET, SOCK_STREAM)!;
        s.Close();
        Assert.Null(s.GetOpt(SOL_SOCKET, 9999));
        AssertError(s, 9, "Invalid socket context: Bad file descriptor");
        Assert.Null(s.SetOpt(SOL_SOCKET, 9999, 1));
        AssertError(s, 9, "Invalid socket context: Bad file descriptor");
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_TYPE, 1));
        AssertError(s, 9, "Invalid socket context: Bad file descriptor");
        Assert.Null(s.GetOpt(IPPROTO_IP, IP_ADD_MEMBERSHIP));
        AssertError(s, 9, "Invalid socket context: Bad file descriptor");
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_LINGER, Dict(("bogus", 1))));
        AssertError(s, 9, "Invalid socket context: Bad file descriptor");
    }

    [Fact]
    public void DisposedHandle_IsEbadfToo()
    {
        var s = Create(AF_INET, SOCK_DGRAM)!;
        s.Dispose();
        Assert.Null(s.SetOpt(SockOpt.SoRcvBuf, 4096));
        AssertError(s, 9, "Invalid socket context: Bad file descriptor");
        Assert.Null(s.GetOpt(SOL_SOCKET, SO_RCVBUF));
        AssertError(s, 9, "Invalid socket context: Bad file descriptor");
    }
}
