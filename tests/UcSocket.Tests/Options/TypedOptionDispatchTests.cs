using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Options;

/// <summary>
/// The typed option calls bind to the descriptor classes (no interface call) and move plain values as their own
/// memory; called through the interfaces, or with values the codec must convert, they do the same as before. Each
/// result is checked with a raw getsockopt or set raw first, so the two paths never only agree with each other.
/// </summary>
public class TypedOptionDispatchTests
{
    [Fact]
    public void ThroughTheInterfacesTheSameOptionReadsAndWritesTheSame()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        IWritableOption<Linger> write = SockOpt.SoLinger;
        IReadableOption<Linger> read = SockOpt.SoLinger;
        Assert.Equal(true, s.SetOpt(write, new Linger(OnOff: 1, Seconds: 7)));
        Assert.Equal(new byte[] { 1, 0, 0, 0, 7, 0, 0, 0 }, Raw.Get(s.FileNo(), SOL_SOCKET, SO_LINGER, 8));
        Assert.Equal(new Linger(OnOff: 1, Seconds: 7), s.GetOpt(read));
        Assert.Equal(new Linger(OnOff: 1, Seconds: 7), s.GetOpt(SockOpt.SoLinger));
        Assert.True(s.TryGetOpt(read, out Linger viaInterface));
        Assert.True(s.TryGetOpt(SockOpt.SoLinger, out Linger viaClass));
        Assert.Equal(viaInterface, viaClass);
        Assert.Null(s.Error());
    }

    [Fact]
    public void AReadOnlyStructOptionReadsStraightIntoTheValue()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        var info = s.GetOpt(SockOpt.TcpInfo);
        Assert.NotNull(info);
        Assert.Equal(7, info.Value.State); // TCP_CLOSE (netinet/tcp.h): a socket never connected
        Assert.Equal(SOCK_STREAM, s.GetOpt(SockOpt.SoType));
    }

    [Fact]
    public void ValuesTheCodecConvertsStillGoThroughIt()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        // bool is an int on the wire: 1 when set.
        Assert.Equal(true, s.SetOpt(SockOpt.SoKeepAlive, true));
        Assert.Equal(new byte[] { 1, 0, 0, 0 }, Raw.Get(s.FileNo(), SOL_SOCKET, SO_KEEPALIVE, 4));
        Assert.Equal(true, s.GetOpt(SockOpt.SoKeepAlive));
        // A string (variable size) keeps the codec's growing buffer: the name is whatever the kernel's default is.
        Raw.Set(s.FileNo(), IPPROTO_TCP, TCP_CONGESTION, "reno\0"u8);
        Assert.Equal("reno", s.GetOpt(SockOpt.TcpCongestion));
    }

    [Fact]
    public void ErrorsAreRecordedAsBeforeAndASuccessClearsThem()
    {
        // AF_UNIX has no options beyond SOL_SOCKET: the kernel answers EOPNOTSUPP to the others.
        using var s = Create(AF_UNIX, SOCK_DGRAM)!;
        Assert.Null(s.GetOpt(SockOpt.TcpInfo));
        Expect.Error(s, "getsockopt()", Errno.EOPNOTSUPP);
        Assert.Equal(true, s.SetOpt(SockOpt.SoRcvBuf, 65536));
        Expect.NoError(s);
        Assert.Null(s.SetOpt(SockOpt.TcpNoDelay, true));
        Expect.Error(s, "setsockopt()", Errno.EOPNOTSUPP);
        Assert.True(s.GetOpt(SockOpt.SoRcvBuf) >= 65536);
        Expect.NoError(s);

        s.Close();
        Assert.Null(s.GetOpt(SockOpt.SoLinger));
        Expect.Error(s, "Invalid socket context", Errno.EBADF);
        Assert.Null(s.SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 1)));
        Expect.Error(s, "Invalid socket context", Errno.EBADF);
        Assert.Null(s.GetOpt((SocketOption<Linger, Linger>)null!));
        Assert.StartsWith("Invalid option argument (null)", s.Error());
    }
}
