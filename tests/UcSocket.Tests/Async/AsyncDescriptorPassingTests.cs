using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Tests.Handle;
using Xunit;
using Xunit.Abstractions;
using static UcSocket.Sockets;
using static UcSocket.Tests.Async.AsyncTestSupport;
using Fds = UcSocket.Tests.Messages.Native;
using Accounting = UcSocket.Tests.Support.DescriptorAccounting;

namespace UcSocket.Tests.Async;

/// <summary>
/// SCM_RIGHTS through SendMsgAsync, RecvMsgAsync and RecvMmsgAsync: every descriptor the kernel installs is owned by
/// the receiving ControlBuffer the moment the receive returns, whatever happens next (a close racing the receive, a
/// control buffer too small, a buffer reused). Counts descriptors, so it runs alone.
/// </summary>
[Collection(Support.DescriptorAccountingCollection.Name)]
public class AsyncDescriptorPassingTests(ITestOutputHelper output)
{
    /// <summary>A control buffer holding one SCM_RIGHTS message with <paramref name="fds"/> (the caller keeps them open until sent).</summary>
    private static ControlBuffer Rights(params int[] fds)
    {
        var control = new ControlBuffer(ControlBuffer.SpaceFor(fds.Length * 4));
        Assert.True(control.TryAdd(SOL_SOCKET, SCM_RIGHTS, MemoryMarshal.AsBytes(fds.AsSpan())), Error());
        return control;
    }

    /// <summary>Runs an async scenario to its end from a synchronous descriptor-count check.</summary>
    private static void AssertNoLeak(Func<Task> scenario) =>
        Accounting.AssertNoLeak(() => Task.Run(scenario).Wait(Limit), warmUp: true);

    [Fact]
    public void DescriptorsSentWithSendMsgAsyncArriveOwnedThroughRecvMsgAsync() => AssertNoLeak(async () =>
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        var (read, write) = Fds.Pipe();
        using (a)
        using (b)
        using (read)
        using (write)
        {
            int readFd = Fds.Fd(read), writeFd = Fds.Fd(write);
            using var sending = Rights(readFd, writeFd, writeFd);
            var control = new ControlBuffer(ControlBuffer.SpaceFor(3 * 4));
            var buffer = new byte[8];
            var receiving = b.RecvMsgAsync(buffer, control);
            Assert.False(receiving.IsCompleted);
            Assert.Equal(3L, await a.SendMsgAsync("fds"u8.ToArray(), sending).Within());
            var result = await receiving.Within();
            Assert.Equal(3L, result.Length);
            Assert.False(result.IsControlTruncated);

            Assert.True(control.TryGet(Cmsg.ScmRights, out var fds));
            Assert.True(fds!.IsOwned);
            int[] numbers = fds.ToArray();
            Assert.Equal(3, numbers.Length);
            Assert.Equal(Accounting.Target(readFd), Accounting.Target(numbers[0]));
            Assert.Equal(Accounting.Target(writeFd), Accounting.Target(numbers[1]));
            Assert.Equal(Accounting.Target(writeFd), Accounting.Target(numbers[2]));
            foreach (int fd in numbers)
            {
                Assert.NotEqual(readFd, fd);
                Assert.NotEqual(writeFd, fd);
                Assert.True(Fds.IsCloseOnExec(fd)); // MSG_CMSG_CLOEXEC: no window for a fork to inherit them
            }
            Fds.Write(numbers[2], "through");
            Assert.Equal("through", Fds.Read(readFd));

            // The buffer owns them: disposing it closes every one.
            var targets = numbers.Select(Accounting.Target).ToArray();
            control.Dispose();
            Accounting.AssertClosed(numbers, targets);
        }
    });

    [Fact]
    public void DescriptorsArriveOwnedPerMessageThroughRecvMmsgAsync() => AssertNoLeak(async () =>
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        var (read, write) = Fds.Pipe();
        using (a)
        using (b)
        using (read)
        using (write)
        {
            var batch = new DatagramBatch(4, 16, ControlBuffer.SpaceFor(2 * 4));
            var receiving = b.RecvMmsgAsync(batch);
            Assert.False(receiving.IsCompleted);
            for (int i = 0; i < 3; i++)
            {
                using var rights = Rights(Fds.Fd(write), Fds.Fd(read));
                Assert.Equal(1L, await a.SendMsgAsync(new[] { (byte)('0' + i) }, rights).Within());
            }
            // The first call completes once the first message arrived, with what else was queued by then.
            int got = await receiving.Within();
            var numbers = OwnedNumbers(batch, got);
            if (got < 3)
            {
                int more = await b.RecvMmsgAsync(batch).Within();
                Assert.Equal(3 - got, more);
                // Receiving into the batch again closed what the first call left untaken (the new descriptors may
                // reuse those numbers; the descriptor count of AssertNoLeak shows any that stayed open).
                var newNumbers = OwnedNumbers(batch, more);
                foreach (int fd in numbers) Assert.True(!Accounting.IsOpen(fd) || newNumbers.Contains(fd), $"fd {fd} stayed open");
                numbers = newNumbers;
            }
            var targets = numbers.Select(Accounting.Target).ToArray();
            batch.ClearControls();
            Accounting.AssertClosed(numbers, targets);
        }
    });

    /// <summary>The descriptors of the first <paramref name="count"/> messages of a received batch, each message's checked as owned.</summary>
    private static System.Collections.Generic.List<int> OwnedNumbers(DatagramBatch batch, int count)
    {
        var numbers = new System.Collections.Generic.List<int>();
        for (int i = 0; i < count; i++)
        {
            Assert.True(batch.GetControl(i).TryGet(Cmsg.ScmRights, out var fds));
            Assert.True(fds!.IsOwned);
            Assert.Equal(2, fds.Count);
            numbers.AddRange(fds.ToArray());
        }
        return numbers;
    }

    [Fact]
    public void AControlBufferTooSmallKeepsNoStrayDescriptor() => AssertNoLeak(async () =>
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        var (read, write) = Fds.Pipe();
        using (a)
        using (b)
        using (read)
        using (write)
        {
            using var rights = Rights(Fds.Fd(write), Fds.Fd(write), Fds.Fd(write));
            // CMSG_SPACE(4) is 24 bytes on 64-bit (a 16-byte header, the payload padded to 8): room for two of the
            // three descriptors. The kernel installs what fits, reports MSG_CTRUNC, and drops the rest.
            using var control = new ControlBuffer(ControlBuffer.SpaceFor(4));
            Assert.Equal(24, control.Capacity);
            var receiving = b.RecvMsgAsync(new byte[8], control);
            Assert.Equal(1L, await a.SendMsgAsync("x"u8.ToArray(), rights).Within());
            var result = await receiving.Within();
            Assert.True(result.IsControlTruncated);
            Assert.True(control.IsTruncated);
            Assert.True(control.TryGet(Cmsg.ScmRights, out var fds));
            Assert.True(fds!.IsOwned);
            Assert.Equal(2, fds.Count);
        }
    });

    [Fact]
    public void TheNextReceiveIntoAControlBufferClosesWhatWasNotTaken() => AssertNoLeak(async () =>
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        var (read, write) = Fds.Pipe();
        using (a)
        using (b)
        using (read)
        using (write)
        {
            using var rights = Rights(Fds.Fd(write), Fds.Fd(read));
            using var control = new ControlBuffer(ControlBuffer.SpaceFor(2 * 4));
            var buffer = new byte[8];
            Assert.Equal(1L, await a.SendMsgAsync("1"u8.ToArray(), rights).Within());
            await b.RecvMsgAsync(buffer, control).Within();
            var taken = control.TakeFileDescriptors();
            Assert.Equal(2, taken.Count);

            Assert.Equal(1L, await a.SendMsgAsync("2"u8.ToArray(), rights).Within());
            await b.RecvMsgAsync(buffer, control).Within();
            Assert.True(control.TryGet(Cmsg.ScmRights, out var untaken));
            int[] numbers = untaken!.ToArray();

            // A receive that has to wait: the untaken ones close when it starts, the taken ones stay with their taker.
            var targets = numbers.Select(Accounting.Target).ToArray();
            var third = b.RecvMsgAsync(buffer, control);
            Assert.False(third.IsCompleted);
            Accounting.AssertClosed(numbers, targets);
            foreach (var h in taken)
            {
                Assert.False(h.IsClosed);
                h.Dispose();
            }
            Assert.Equal(1L, a.Send("3"u8));
            Assert.Equal(1L, (await third.Within()).Length);
        }
    });

    [Fact]
    public void DescriptorsInFlightWhenTheHandleClosesAreNeverLeaked()
    {
        const int rounds = 200;
        int received = 0, cancelled = 0;
        var (read, write) = Fds.Pipe();
        using (read)
        using (write)
        using (var rights = Rights(Fds.Fd(write), Fds.Fd(read)))
        using (var racer = new Racer())
        {
            var skew = new RaceSkew();
            Accounting.AssertNoLeak(warmUp: true, action: () =>
            {
                received = cancelled = 0;
                for (int round = 0; round < rounds; round++)
                {
                    var (a, b) = Pair(SOCK_STREAM)!;
                    using var control = new ControlBuffer(ControlBuffer.SpaceFor(2 * 4));
                    using (a)
                    using (b)
                    {
                        var receiving = b.RecvMsgAsync(new byte[8], control);
                        // The close lands before, during or after the receive that installs the descriptors.
                        racer.Start(b.Dispose, skew.RacerDelay);
                        Racer.SpinFor(skew.TestDelay);
                        // A close that came first leaves no receiver: the send fails with EPIPE.
                        long? sent = a.SendMsg("x"u8, rights);
                        Assert.True(sent == 1 || a.Error(true) is Errno.EPIPE, a.Error());
                        racer.Wait();
                        Assert.True(CompletesWithinLimit(() => receiving.IsCompleted));
                        try
                        {
                            receiving.GetAwaiter().GetResult();
                            Assert.True(control.TryGet(Cmsg.ScmRights, out var fds));
                            Assert.True(fds!.IsOwned);
                            Assert.Equal(2, fds.Count);
                            received++;
                            skew.TestWon();
                        }
                        catch (UcSocketException e) when (e.Code == Errno.ECANCELED)
                        {
                            Assert.Equal(0, control.Length);
                            cancelled++;
                            skew.RacerWon();
                        }
                    }
                }
            });
        }
        output.WriteLine($"{received} received, {cancelled} cancelled by the close");
        Assert.Equal(rounds, received + cancelled);
    }
}
