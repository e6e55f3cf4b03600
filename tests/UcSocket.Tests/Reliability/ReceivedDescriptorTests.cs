using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using UcSocket.Tests.Matrix.Scenarios;
using NativeIo = UcSocket.Tests.Messages.Native;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Reliability;

/// <summary>The control messages whose payload is descriptors the kernel installs in the receiving process.</summary>
public enum Carrier
{
    /// <summary>SCM_RIGHTS: the sender's pipe end, passed on.</summary>
    Rights,

    /// <summary>SCM_PIDFD: a pidfd of the sender, which the kernel adds to every message once the receiver set SO_PASSPIDFD.</summary>
    Pidfd,
}

/// <summary>Every way a received descriptor can be let go of, on every receive path.</summary>
public enum ReceivePath
{
    /// <summary>Allocating RecvMsg, the message disposed.</summary>
    RecvMsgDispose,

    /// <summary>Allocating RecvMsg, TakeFileDescriptors, the message disposed, then what was taken.</summary>
    RecvMsgTakeAll,

    /// <summary>Allocating RecvMsg, Take of the message's handle, the message disposed, then the handle.</summary>
    RecvMsgTakeOne,

    /// <summary>RecvMsg into a span and a ControlBuffer, the buffer cleared.</summary>
    ControlBufferClear,

    /// <summary>RecvMsg into a span and one ControlBuffer received into again and again (the next receive closes what the last left).</summary>
    ControlBufferReuse,

    /// <summary>RecvMsg into a span and a new ControlBuffer each time, disposed.</summary>
    ControlBufferDispose,

    /// <summary>RecvMsg into a ControlBuffer, TryGet of the descriptors, TakeFileDescriptors, the buffer cleared, then what was taken.</summary>
    ControlBufferTake,

    /// <summary>RecvMmsg into a DatagramBatch, ClearControls.</summary>
    RecvMmsgClearControls,

    /// <summary>RecvMmsg into one DatagramBatch again and again (the next receive closes what the last left).</summary>
    RecvMmsgReuse,

    /// <summary>RecvMmsg, TakeFileDescriptors of each message's buffer, ClearControls, then what was taken.</summary>
    RecvMmsgTake,
}

/// <summary>
/// Every descriptor the kernel installs on a receive is owned at once and closed when it is let go of, on every
/// receive path, for every descriptor-carrying control message: 10,000 receives per cell leave no descriptor open,
/// without waiting for a garbage collection. Also SO_PEERPIDFD reads, and public decoders of caller bytes, which
/// must never take ownership of (and so close) a descriptor they were merely shown the number of.
/// </summary>
[Collection(DescriptorAccountingCollection.Name)]
public sealed class ReceivedDescriptorTests
{
    private const int Iterations = 10_000;
    private const int BatchSize = 4;

    /// <summary>Each cell checks what arrived on these iterations (reading /proc is slower than a receive).</summary>
    private static bool Sampled(int iteration) => iteration % 1000 == 0;

    public static TheoryData<ReceivePath, Carrier> Cells()
    {
        var data = new TheoryData<ReceivePath, Carrier>();
        foreach (var path in Enum.GetValues<ReceivePath>())
            foreach (var carrier in Enum.GetValues<Carrier>())
                data.Add(path, carrier);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void NoReceivedDescriptorOutlivesItsRelease(ReceivePath path, Carrier carrier)
    {
        using var link = new DescriptorLink(carrier);
        var data = new byte[16];
        switch (path)
        {
            case ReceivePath.RecvMsgDispose:
                DescriptorAccounting.AssertNoLeak(Iterations, i =>
                {
                    link.Send();
                    using var message = link.Receive();
                    if (Sampled(i)) link.Check(link.Descriptors(message)[0]);
                });
                break;

            case ReceivePath.RecvMsgTakeAll:
                DescriptorAccounting.AssertNoLeak(Iterations, i =>
                {
                    link.Send();
                    var message = link.Receive();
                    var taken = message.TakeFileDescriptors();
                    message.Dispose();
                    Assert.True(taken.Count == 1, $"TakeFileDescriptors gave {taken.Count} descriptors for one {link.Type.Name}");
                    if (Sampled(i)) link.Check(taken[0]); // still open: the caller's now
                    taken[0].Dispose();
                });
                break;

            case ReceivePath.RecvMsgTakeOne:
                DescriptorAccounting.AssertNoLeak(Iterations, i =>
                {
                    link.Send();
                    var message = link.Receive();
                    var handle = link.Descriptors(message)[0];
                    Assert.True(message.Take(handle), $"Take refused the {link.Type.Name} descriptor the message holds");
                    message.Dispose();
                    if (Sampled(i)) link.Check(handle);
                    handle.Dispose();
                });
                break;

            case ReceivePath.ControlBufferClear:
            {
                using var control = new ControlBuffer(64);
                DescriptorAccounting.AssertNoLeak(Iterations, i =>
                {
                    link.Send();
                    link.Receive(data, control);
                    if (Sampled(i)) link.Check(link.RawDescriptor(control));
                    control.Clear();
                });
                break;
            }

            case ReceivePath.ControlBufferReuse:
            {
                using var control = new ControlBuffer(64);
                DescriptorAccounting.AssertNoLeak(Iterations, i =>
                {
                    link.Send();
                    link.Receive(data, control);
                    if (Sampled(i)) link.Check(link.RawDescriptor(control));
                }, release: control.Clear);
                break;
            }

            case ReceivePath.ControlBufferDispose:
                DescriptorAccounting.AssertNoLeak(Iterations, i =>
                {
                    using var control = new ControlBuffer(64);
                    link.Send();
                    link.Receive(data, control);
                    if (Sampled(i)) link.Check(link.RawDescriptor(control));
                });
                break;

            case ReceivePath.ControlBufferTake:
            {
                using var control = new ControlBuffer(64);
                DescriptorAccounting.AssertNoLeak(Iterations, i =>
                {
                    link.Send();
                    link.Receive(data, control);
                    Assert.True(control.TryGet(link.Type, out FileDescriptors? found) && found.Count == 1,
                        $"ControlBuffer.TryGet({link.Type.Name}) did not give the one descriptor received");
                    Assert.True(found.IsOwned, $"the {link.Type.Name} descriptor of a receive is not owned by the buffer");
                    var taken = control.TakeFileDescriptors();
                    Assert.True(taken.Count == 1, $"TakeFileDescriptors gave {taken.Count} descriptors for one {link.Type.Name}");
                    Assert.Same(found[0], taken[0]);
                    control.Clear();
                    if (Sampled(i)) link.Check(taken[0]); // still open: the caller's now
                    taken[0].Dispose();
                });
                break;
            }

            case ReceivePath.RecvMmsgClearControls:
            {
                var batch = new DatagramBatch(BatchSize, data.Length, 64);
                DescriptorAccounting.AssertNoLeak(Iterations, i =>
                {
                    link.ReceiveBatch(batch, Sampled(i));
                    batch.ClearControls();
                });
                break;
            }

            case ReceivePath.RecvMmsgReuse:
            {
                var batch = new DatagramBatch(BatchSize, data.Length, 64);
                DescriptorAccounting.AssertNoLeak(Iterations, i => link.ReceiveBatch(batch, Sampled(i)), release: batch.ClearControls);
                break;
            }

            case ReceivePath.RecvMmsgTake:
            {
                var batch = new DatagramBatch(BatchSize, data.Length, 64);
                var taken = new List<SafeHandle>(BatchSize);
                DescriptorAccounting.AssertNoLeak(Iterations, i =>
                {
                    link.ReceiveBatch(batch, check: false);
                    taken.Clear();
                    for (int m = 0; m < BatchSize; m++)
                    {
                        var mine = batch.GetControl(m).TakeFileDescriptors();
                        Assert.True(mine.Count == 1, $"message {m}: TakeFileDescriptors gave {mine.Count} descriptors for one {link.Type.Name}");
                        taken.Add(mine[0]);
                    }
                    batch.ClearControls();
                    foreach (var h in taken)
                    {
                        if (Sampled(i)) link.Check(h); // still open: the caller's now
                        h.Dispose();
                    }
                });
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(path), path, null);
        }
    }

    public static TheoryData<bool> PeerPidfdStyles() => new() { true, false };

    /// <summary>SO_PEERPIDFD installs a pidfd on each read: typed or ucode-style, disposing the value closes it.</summary>
    [Theory]
    [MemberData(nameof(PeerPidfdStyles))]
    public void EveryPeerPidfdReadIsClosedOnDispose(bool typed)
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            DescriptorAccounting.AssertNoLeak(Iterations, i =>
            {
                FileDescriptors? pidfd;
                if (typed)
                {
                    Assert.True(a.TryGetOpt(SockOpt.SoPeerPidfd, out pidfd), a.Error());
                }
                else
                {
                    object? value = a.GetOpt(SOL_SOCKET, SO_PEERPIDFD);
                    Assert.True(value is not null, a.Error());
                    pidfd = Assert.IsType<FileDescriptors>(value);
                }
                using (pidfd)
                {
                    Assert.True(pidfd.Count == 1 && pidfd.IsOwned, $"SO_PEERPIDFD gave {pidfd.Count} descriptors, owned: {pidfd.IsOwned}");
                    if (Sampled(i)) Assert.Equal(Environment.ProcessId, SocketScenarios.PidOf(pidfd[0]));
                }
            });
        }
    }

    /// <summary>The public decoders that read descriptor numbers from bytes a caller hands them.</summary>
    public static TheoryData<string, bool> Decoders()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in s_decoders.Keys)
        {
            data.Add(name, true);
            data.Add(name, false);
        }
        return data;
    }

    private static readonly Dictionary<string, Func<byte[], object?>> s_decoders = new()
    {
        ["Cmsg.ScmRights.TryDecode"] = bytes => Cmsg.ScmRights.TryDecode(bytes, out var v, out _) ? v : null,
        ["Cmsg.ScmRights.TryDecodeUcode"] = bytes => Cmsg.ScmRights.TryDecodeUcode(bytes, out var v, out _) ? v : null,
        ["Cmsg.ScmPidfd.TryDecode"] = bytes => Cmsg.ScmPidfd.TryDecode(bytes, out var v, out _) ? v : null,
        ["Cmsg.ScmPidfd.TryDecodeUcode"] = bytes => Cmsg.ScmPidfd.TryDecodeUcode(bytes, out var v, out _) ? v : null,
        ["SockOpt.SoPeerPidfd.GetCodec.TryRead"] = bytes => SockOpt.SoPeerPidfd.GetCodec.TryRead(bytes, out var v, out _) ? v : null,
        ["SockOpt.SoPeerPidfd.TryDecodeUcode"] = bytes => SockOpt.SoPeerPidfd.TryDecodeUcode(bytes, out var v, out _) ? v : null,
        ["ControlMessage.TryGetData(Cmsg.ScmRights)"] = bytes =>
            new ControlMessage(SOL_SOCKET, SCM_RIGHTS, bytes).TryGetData(Cmsg.ScmRights, out var v) ? v : null,
    };

    /// <summary>
    /// Decoding the number of a pipe this test owns, then disposing the result or dropping it and collecting,
    /// closes nothing: the pipe still works and no descriptor of the process came or went.
    /// </summary>
    [Theory]
    [MemberData(nameof(Decoders))]
    public void DecodingCallerBytesNeverClosesADescriptor(string decoder, bool dispose)
    {
        var (read, write) = NativeIo.Pipe();
        using (read)
        using (write)
        {
            int fd = NativeIo.Fd(write);
            string target = DescriptorAccounting.Target(fd);
            try
            {
                DescriptorAccounting.AssertNoLeak(() => DecodeAndLetGo(s_decoders[decoder], fd, dispose), collect: true);
            }
            finally
            {
                // Had the decoder closed the pipe, the test's own handle must not close the number again later.
                if (!DescriptorAccounting.IsOpen(fd) || DescriptorAccounting.Target(fd) != target) write.SetHandleAsInvalid();
            }
            NativeIo.Write(fd, "still mine");
            Assert.Equal("still mine", NativeIo.Read(NativeIo.Fd(read)));
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void DecodeAndLetGo(Func<byte[], object?> decode, int fd, bool dispose)
    {
        object? result = decode(BitConverter.GetBytes(fd));
        if (dispose) (result as IDisposable)?.Dispose();
    }

    /// <summary>
    /// A UNIX datagram pair on which every message carries one descriptor of <see cref="Carrier"/>'s kind to the
    /// receiver, and what a received descriptor must refer to.
    /// </summary>
    private sealed class DescriptorLink : IDisposable
    {
        private readonly SocketHandle _sender, _receiver;
        private readonly SafeFileHandle _pipeRead, _pipeWrite;
        private readonly ControlMessage[] _rights;
        private readonly string _pipeTarget;

        public DescriptorLink(Carrier carrier)
        {
            Carrier = carrier;
            (_sender, _receiver) = Pair(SOCK_DGRAM)!;
            (_pipeRead, _pipeWrite) = NativeIo.Pipe();
            _pipeTarget = DescriptorAccounting.Target(NativeIo.Fd(_pipeWrite));
            _rights = new[] { ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(_pipeWrite)) };
            if (carrier == Carrier.Pidfd) Assert.True(_receiver.SetOpt(SockOpt.SoPassPidfd, true), _receiver.Error());
        }

        public Carrier Carrier { get; }

        public ControlMessageType<FileDescriptors> Type => Carrier == Carrier.Rights ? Cmsg.ScmRights : Cmsg.ScmPidfd;

        /// <summary>Sends one datagram that reaches the receiver with one descriptor.</summary>
        public void Send()
        {
            long? sent = Carrier == Carrier.Rights ? _sender.SendMsg("x", _rights) : _sender.Send("x"u8);
            Assert.True(sent == 1, _sender.Error());
        }

        public ReceivedMessage Receive()
        {
            var message = _receiver.RecvMsg(16, 64, MSG_DONTWAIT);
            Assert.True(message is not null, _receiver.Error());
            return message!;
        }

        public void Receive(Span<byte> data, ControlBuffer control)
        {
            var result = _receiver.RecvMsg(data, control, null, MSG_DONTWAIT);
            Assert.True(result is { Length: 1 }, _receiver.Error());
        }

        /// <summary>Sends a batch's worth of datagrams and receives them all with one RecvMmsg.</summary>
        public void ReceiveBatch(DatagramBatch batch, bool check)
        {
            for (int m = 0; m < batch.Count; m++) Send();
            int? received = _receiver.RecvMmsg(batch, MSG_DONTWAIT);
            Assert.True(received == batch.Count, received is null ? _receiver.Error() : $"{received} of {batch.Count} messages");
            if (check)
                for (int m = 0; m < batch.Count; m++) Check(RawDescriptor(batch.GetControl(m)));
        }

        /// <summary>The descriptors of the message's one control message of this kind.</summary>
        public FileDescriptors Descriptors(ReceivedMessage message)
        {
            Assert.NotNull(message.Ancillary);
            var cmsg = Assert.Single(message.Ancillary!, c => c.Level == Type.Level && c.Type == Type.Type);
            var fds = Assert.IsType<FileDescriptors>(cmsg.Data);
            Assert.Single(fds);
            return fds;
        }

        /// <summary>
        /// The descriptor number the kernel wrote into the buffer, read from the raw payload: whether it arrived
        /// is checked apart from how the buffer hands it out.
        /// </summary>
        public int RawDescriptor(ControlBuffer control)
        {
            Assert.True(control.TryFind(Type.Level, Type.Type, out var payload), $"no {Type.Name} message in the control buffer");
            Assert.Equal(sizeof(int), payload.Length);
            return MemoryMarshal.Read<int>(payload);
        }

        public void Check(SafeHandle handle)
        {
            Assert.False(handle.IsClosed, $"the received {Type.Name} descriptor is closed already");
            Check(NativeIo.Fd(handle));
        }

        /// <summary>The descriptor is open and is what was sent: the sender's pipe, or a pidfd of this process.</summary>
        public void Check(int fd)
        {
            Assert.True(DescriptorAccounting.IsOpen(fd), $"received {Type.Name} descriptor {fd} is not open");
            if (Carrier == Carrier.Rights)
                Assert.Equal(_pipeTarget, DescriptorAccounting.Target(fd));
            else
                Assert.Equal(Environment.ProcessId, SocketScenarios.PidOf(new SafeFileHandle(fd, ownsHandle: false)));
        }

        public void Dispose()
        {
            _sender.Dispose();
            _receiver.Dispose();
            _pipeRead.Dispose();
            _pipeWrite.Dispose();
        }
    }
}
