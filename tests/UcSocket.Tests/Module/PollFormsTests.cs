using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Module;

/// <summary>
/// Every form of Poll the README documents means what it says: sockets, (socket, events) tuples and PollItems are
/// typed; ucode's [socket, events] arrays are items inside the argument list; one such array passed alone is the
/// whole list, which is reported with the fix.
/// </summary>
public class PollFormsTests
{
    // poll.h / asm-generic/poll.h
    private const int In = 0x001, Out = 0x004;

    [Fact]
    public void SocketsAndTuplesMix()
    {
        using var p = Pair()!;
        Assert.Equal(1L, p[0].Send("x"));
        // p[0] is watched for input (nothing to read); p[1] for input and output (both ready).
        var e = Assert.Single(Poll(1000, p[0], (p[1], POLLIN | POLLOUT))!);
        Assert.Equal((1, In | Out), (e.Index, e.Events));
        Assert.Same(p[1], e.Socket);
        Assert.Equal(new PollItem(p[1], POLLIN | POLLOUT).Events, ((PollItem)e.Item).Events);
    }

    [Fact]
    public void ATupleWithAnEventsVariableIsTyped()
    {
        using var p = Pair()!;
        int events = POLLOUT;
        var e = Assert.Single(Poll(0, (p[0], events))!);
        Assert.Equal(Out, e.Events);
        Assert.IsType<PollItem>(e.Item);
    }

    [Fact]
    public void PollItemsWatchOtherHandles()
    {
        using var p = Pair()!;
        var e = Assert.Single(Poll(0, new PollItem(p[1].SafeHandle, POLLOUT))!);
        Assert.Same(p[1].SafeHandle, e.Handle);
        Assert.Null(e.Socket);
        Assert.Equal(Out, e.Events);
    }

    [Fact]
    public void AnArrayOfPollItemsIsTheItemList()
    {
        using var p = Pair()!;
        PollItem[] items = [p[0], (p[1], POLLOUT)];
        var e = Assert.Single(Poll(0, items)!);
        Assert.Equal(1, e.Index);
    }

    [Fact]
    public void UcodePairsAreItemsOfTheList()
    {
        using var p = Pair()!;
        var pair = new object[] { p[1], POLLOUT, "state" };
        var e = Assert.Single(Poll(0, new object[] { pair })!);
        Assert.Same(pair, e.Item);
        Assert.Equal(Out, e.Events);
        Assert.Single(Poll(0, p[0], (object)pair)!);
    }

    [Fact]
    public void OneUcodePairAsTheWholeListIsReportedWithTheFix()
    {
        using var p = Pair()!;
        Assert.Null(Poll(0, new object[] { p[0], POLLOUT }));
        Assert.Equal(Errno.EINVAL, Error(true));
        Assert.Equal("Poll item 1: expected a socket or a [socket, events] pair, got Int32 4 (a single array argument is the whole item list: pass (socket, events) or new PollItem(socket, events)): Invalid argument", Error());
    }

    [Fact]
    public void ADefaultPollItemIsNamed()
    {
        Assert.Null(Poll(0, default(PollItem)));
        Assert.Equal("Poll item 0: expected a socket or another descriptor owner, got null: Invalid argument", Error());
    }

    [Fact]
    public void TypedEventsOutOfRangeAreErange()
    {
        using var p = Pair()!;
        Assert.Null(Poll(0, (p[0], 0x10000)));
        Assert.Equal(Errno.ERANGE, Error(true));
    }

    [Fact]
    public void NoItemsWaitsOrRefusesToHang()
    {
        Assert.Empty(Poll(1)!);
        Assert.Null(Poll(-1));
        Assert.Equal(Errno.EINVAL, Error(true));
    }
}
