using System.Threading;
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;
using Tmds.Linux;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Module;

public class PollTests
{
    // poll.h / asm-generic/poll.h
    private const int In = 0x001, Out = 0x004, Hup = 0x010;

    private static unsafe void Write(SocketHandle s, string text)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        fixed (byte* p = bytes)
            Assert.Equal(bytes.Length, (long)LibC.write(s.FileNo(), p, bytes.Length));
    }

    [Fact]
    public void NothingReadyWithTimeoutZeroIsAnEmptyList()
    {
        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            var events = Poll(0, a, b);
            Assert.NotNull(events);
            Assert.Empty(events);
            Assert.Null(Error());
        }
    }

    [Fact]
    public void AWriteMakesTheOtherEndReadable()
    {
        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            Write(a, "ping");
            var events = Poll(1000, a, b);
            var e = Assert.Single(events!);
            Assert.Same(b, e.Socket);
            Assert.Same(b, e.Handle);
            Assert.Same(b, e.Item);
            Assert.Equal(1, e.Index);
            Assert.Equal(In, e.Events);
        }
    }

    [Fact]
    public void PairsAskForOtherEvents()
    {
        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            var tuple = (a, POLLOUT);
            var events = Poll(0, tuple, (object)new object[] { b, POLLOUT | POLLIN, "state" });
            Assert.NotNull(events);
            Assert.Equal(2, events.Count);
            Assert.Equal(Out, events[0].Events);
            Assert.Same(a, events[0].Socket);
            Assert.Equal(tuple, events[0].Item);
            Assert.Equal(Out, events[1].Events);
            var item = Assert.IsType<object[]>(events[1].Item);
            Assert.Equal("state", item[2]);
            var (handle, revents) = events[1];
            Assert.Same(b, handle);
            Assert.Equal(Out, revents);
        }
    }

    [Fact]
    public void HangupAfterThePeerCloses()
    {
        var (a, b) = Pair()!;
        using (b)
        {
            a.Dispose();
            var e = Assert.Single(Poll(1000, b)!);
            Assert.Equal(Hup, e.Events & Hup);
            Assert.Equal(In, e.Events & In); // end of file reads at once
        }
    }

    [Fact]
    public void TimeoutWaitsAndReturnsEmpty()
    {
        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            var watch = Stopwatch.StartNew();
            var events = Poll(100, a);
            Assert.NotNull(events);
            Assert.Empty(events);
            Assert.True(watch.ElapsedMilliseconds >= 90, $"returned after {watch.ElapsedMilliseconds} ms");
        }
    }

    [Fact]
    public async Task InfiniteWaitEndsWhenDataArrives()
    {
        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            var waiting = Task.Run(() => Poll(-1, b));
            await Task.Delay(50);
            Assert.False(waiting.IsCompleted);
            Write(a, "x");
            var events = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(In, Assert.Single(events!).Events);
        }
    }

    [Fact]
    public async Task ClosingTheSocketOnAnotherThreadWakesTheWait()
    {
        var (a, b) = Pair()!;
        using (a)
        {
            using var started = new ManualResetEventSlim();
            var waiting = Task.Run(() =>
            {
                started.Set();
                return Poll(-1, b);
            });
            Assert.True(started.Wait(TimeSpan.FromSeconds(10)));
            await Task.Delay(200); // let the thread enter poll(); on a loaded machine 50 ms was not always enough
            Assert.True(b.Close());
            var events = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
            // Reported as poll reports a descriptor that is not open; the socket itself was not shut down.
            Assert.Equal(POLLNVAL, Assert.Single(events!).Events);
        }
    }

    [Fact]
    public void OtherHandlesArePolledToo()
    {
        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            var e = Assert.Single(Poll(0, (b.SafeHandle, POLLOUT))!);
            Assert.Same(b.SafeHandle, e.Handle);
            Assert.Null(e.Socket);
            Assert.Equal(Out, e.Events);
        }
    }

    [Fact]
    public void NoItemsAndATimeoutJustWaits() => Assert.Empty(Poll(1)!);

    [Fact]
    public void NoItemsAndNoTimeoutIsAnErrorNotAHang()
    {
        Assert.Null(Poll(-1));
        Assert.Equal(22, Error(true));
    }

    public static TheoryData<object?, string> BadItems => new()
    {
        { "text", "Poll item 1: expected a socket or a [socket, events] pair, got string \"text\"" },
        { 5, "Poll item 1: expected a socket or a [socket, events] pair, got Int32 5 (a single array argument is the whole item list: pass (socket, events) or new PollItem(socket, events))" },
        { null, "Poll item 1: expected a socket or a [socket, events] pair, got null" },
        { new object[] { POLLIN }, "Poll item 1: a pair must hold a socket and the events to watch for" },
        { new object[] { "x", POLLIN }, "Poll item 1: a pair must hold a socket and the events to watch for" },
        { (1, 2), "Poll item 1: a pair must hold a socket and the events to watch for" },
    };

    [Theory]
    [MemberData(nameof(BadItems))]
    public void BadItemsAreEinvalNamingTheIndex(object? item, string context)
    {
        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            Assert.Null(Poll(0, a, item));
            Assert.Equal(22, Error(true));
            Assert.Equal(context + ": Invalid argument", Error());
        }
    }

    [Fact]
    public void EventsOutOfRangeAreErange()
    {
        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            Assert.Null(Poll(0, (a, 0x10000)));
            Assert.Equal(34, Error(true));
            Assert.StartsWith("Poll item 0: flags value out of range", (string)Error()!);
        }
    }

    [Fact]
    public void AClosedSocketIsEbadfNamingTheIndex()
    {
        var (a, b) = Pair()!;
        using (b)
        {
            a.Dispose();
            Assert.Null(Poll(0, b, a));
            Assert.Equal(9, Error(true));
            Assert.Equal("Poll item 1: the socket is closed: Bad file descriptor", Error());
        }
    }
}

[Collection(DescriptorAccountingCollection.Name)]
public class PollDescriptorTests
{
    [Fact]
    public void AFailedPollReleasesTheSocketsItHeld()
    {
        var (a, b) = Pair()!;
        int fa = a.FileNo(), fb = b.FileNo();
        Assert.Null(Poll(0, a, b, "bad"));
        a.Dispose();
        b.Dispose();
        Assert.False(DescriptorAccounting.IsOpen(fa));
        Assert.False(DescriptorAccounting.IsOpen(fb));
    }
}
