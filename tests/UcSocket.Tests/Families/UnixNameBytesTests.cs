using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Families;

/// <summary>
/// UNIX socket names are bytes. Names that are not UTF-8 read back as text that sends to the very same name
/// (bytes outside UTF-8 as the lone surrogates U+DC80..U+DCFF), so a reply reaches the peer that wrote.
/// </summary>
public class UnixNameBytesTests
{
    /// <summary>A datagram socket bound with a raw bind(2) to exactly <paramref name="pathBytes"/> (sun_path's bytes), as another program could.</summary>
    private static unsafe SocketHandle BindRaw(byte[] pathBytes)
    {
        var s = Create(AF_UNIX, SOCK_DGRAM)!;
        var sa = new byte[2 + pathBytes.Length];
        BitConverter.GetBytes((ushort)AF_UNIX).CopyTo(sa, 0);
        pathBytes.CopyTo(sa, 2);
        fixed (byte* p = sa)
            Assert.Equal(0, LibC.bind(s.FileNo(), (sockaddr*)p, (uint)sa.Length));
        return s;
    }

    [Fact]
    public void AnAbstractNameThatIsNotUtf8CanBeRepliedTo()
    {
        string suffix = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var name = Concat(new byte[] { 0, 0xff, 0xfe, (byte)' ', (byte)'a' }, Encoding.ASCII.GetBytes(suffix));
        using var peer = BindRaw(name);
        using var server = Create(AF_UNIX, SOCK_DGRAM)!;
        Assert.True(server.Bind("@ucsock-names-" + suffix));
        Assert.Equal(4L, peer.Send("ping", 0, server.SockName()!));

        var from = new SocketAddress();
        Assert.Equal("ping"u8.ToArray(), server.Recv(64, 0, from));
        Assert.Equal("@\uDCFF\uDCFE a" + suffix, from.Path);
        Assert.Equal(name[1..], from.GetPathBytes());

        Assert.Equal(4L, server.Send("pong", 0, from));
        Assert.Equal("pong"u8.ToArray(), peer.Recv(64));
        // The dictionary form carries the same text, and sends to the same peer.
        Assert.Equal(4L, server.Send("dict", 0, from.ToDictionary()));
        Assert.Equal("dict"u8.ToArray(), peer.Recv(64));
        Assert.Equal(from.Path, peer.SockName()!.Path);
    }

    [Fact]
    public void AFilesystemPathThatIsNotUtf8CanBeRepliedTo()
    {
        using var dir = new TempDir();
        var path = Concat(Encoding.UTF8.GetBytes(dir.Path + "/s-"), new byte[] { 0xc3, 0x28, 0x80 }, new byte[] { 0 });
        using var peer = BindRaw(path);
        using var server = Create(AF_UNIX, SOCK_DGRAM)!;
        Assert.True(server.Bind(dir.File("server")));
        Assert.Equal(1L, peer.Send("x", 0, dir.File("server")));
        var from = new SocketAddress();
        Assert.NotNull(server.Recv(16, 0, from));
        Assert.Equal(dir.Path + "/s-\uDCC3(\uDC80", from.Path);
        Assert.Equal(1L, server.Send("y", 0, from));
        Assert.Equal("y"u8.ToArray(), peer.Recv(16));
    }

    [Fact]
    public void ValidUtf8NamesAreUnchanged()
    {
        var name = SockAddr("@ünïcode-name")!;
        Assert.Equal("@ünïcode-name", name.Path);
        Assert.Equal(Encoding.UTF8.GetBytes("ünïcode-name"), name.GetPathBytes());
        Assert.Equal("@", SockAddr("@")!.Path); // the empty abstract name, not an unnamed address
    }

    // Built here rather than passed in: the test runner's serialization of theory data would replace lone surrogates.
    [Theory]
    [InlineData("/tmp/bad-{0}-name", 0xD800)]
    [InlineData("@bad-{0}", 0xDFFF)]
    [InlineData("/tmp/{0}", 0xDC7F)]
    public void ALoneSurrogateThatStandsForNoByteIsAnError(string template, int surrogate)
    {
        string path = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, (char)surrogate);
        Assert.Null(SockAddr(path));
        Assert.Equal("Invalid path value: Invalid argument", Error());
        using var s = Create(AF_UNIX, SOCK_DGRAM)!;
        Assert.Null(s.Bind(path));
        Assert.Null(new SocketAddress(AF_UNIX) { Path = path }.GetPathBytes());
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var ms = new MemoryStream();
        foreach (var p in parts) ms.Write(p);
        return ms.ToArray();
    }
}
