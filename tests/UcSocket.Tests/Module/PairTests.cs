using System;
using System.Linq;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Module;

/// <summary>Pair() as ucode uses its array (p[0], length(p)) and as C# uses a pair (deconstruction, using).</summary>
public class PairTests
{
    [Fact]
    public void IndexesCountsAndDeconstructs()
    {
        using var p = Pair()!;
        Assert.Equal(2, p.Length);
        Assert.Equal(2, p.Count);
        Assert.Same(p.First, p[0]);
        Assert.Same(p.Second, p[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => p[2]);
        var (a, b) = p;
        Assert.Same(p[0], a);
        Assert.Same(p[1], b);
        Assert.Equal(new[] { a, b }, p.ToArray());
        Assert.Equal(new[] { a, b }, p.ToList());

        Assert.Equal(2L, p[0].Send("hi"));
        Assert.Equal("hi"u8.ToArray(), p[1].Recv(16));
    }

    [Fact]
    public void DisposingThePairClosesBoth()
    {
        var p = Pair(SOCK_DGRAM)!;
        p.Dispose();
        Assert.Equal(-1, p[0].FileNo());
        Assert.Equal(-1, p[1].FileNo());
    }

    [Fact]
    public void FailureIsNullWithTheError()
    {
        Assert.Null(Pair(12345));
        Assert.Equal("socketpair(): " + Errno.Text(Errno.EINVAL), Error());
    }
}
