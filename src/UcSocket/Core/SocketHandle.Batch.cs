using System.Globalization;
using System.Runtime.CompilerServices;
using UcSocket.Native;

namespace UcSocket;

// Batched datagrams without allocating: sendmmsg(2) and recvmmsg(2) over a DatagramBatch.
public sealed partial class SocketHandle
{
    /// <summary>
    /// Sends every message of <paramref name="batch"/> with one sendmmsg(2) call; see
    /// <see cref="SendMmsg(DatagramBatch, int, int, int)"/>.
    /// </summary>
    public int? SendMmsg(DatagramBatch batch, int flags = 0) => SendMmsg(batch, 0, batch?.Count ?? 0, flags);

    /// <summary>
    /// Sends messages <paramref name="start"/> to <paramref name="start"/>+<paramref name="count"/>-1 of
    /// <paramref name="batch"/> with one sendmmsg(2) call, each with its data, destination and control messages.
    /// Returns the number of messages sent, which may be fewer than asked (a full send buffer with
    /// <c>MSG_DONTWAIT</c>, or an error after the first message: the next call reports it); null on error
    /// (<c>"sendmmsg(): &lt;strerror&gt;"</c>, or EINVAL naming a bad argument). <c>MSG_NOSIGNAL</c> is always
    /// added, as <see cref="Send(object?, int, object?)"/> does. Allocates nothing.
    /// </summary>
    [SkipLocalsInit]
    public unsafe int? SendMmsg(DatagramBatch batch, int start, int count, int flags = 0)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        if (!CheckBatch(batch, start, count)) return null;
        if (count == 0)
        {
            Errors.Clear();
            return 0;
        }
        var op = new SendMmsgOperation { Messages = batch.PrepareSend(start, count), Count = count, Flags = flags | Sockets.MSG_NOSIGNAL };
        long sent = BlockingIo.Run(call.Owner, call.Fd, ref op, flags);
        if (sent < 0)
        {
            Errors.Set(new ErrorInfo((int)-sent, "sendmmsg()"));
            return null;
        }
        Errors.Clear();
        return (int)sent;
    }

    /// <summary>
    /// Receives into every message of <paramref name="batch"/> with one recvmmsg(2) call; see
    /// <see cref="RecvMmsg(DatagramBatch, int, int, int)"/>.
    /// </summary>
    public int? RecvMmsg(DatagramBatch batch, int flags = 0) => RecvMmsg(batch, 0, batch?.Count ?? 0, flags);

    /// <summary>
    /// Receives up to <paramref name="count"/> datagrams into messages <paramref name="start"/>.. of
    /// <paramref name="batch"/> with one recvmmsg(2) call: each message's data, length, sender address, flags and
    /// control messages (into its <see cref="ControlBuffer"/>, when the batch has them). Returns the number of
    /// messages received; null on error (<c>"recvmmsg(): &lt;strerror&gt;"</c>, or EINVAL naming a bad argument).
    /// Allocates nothing (except handles for descriptors received in <c>SCM_RIGHTS</c>).
    /// </summary>
    /// <remarks>
    /// As recvmmsg(2) does, a blocking call waits until <paramref name="count"/> messages arrived: pass
    /// <c>MSG_WAITFORONE</c> to return once at least one did (taking what else is queued), or <c>MSG_DONTWAIT</c>
    /// to never wait. <c>MSG_CMSG_CLOEXEC</c> is always passed (except on packet sockets, which refuse it). Descriptors
    /// the kernel installs are owned by each message's <see cref="ControlBuffer"/> as soon as the call returns.
    /// </remarks>
    [SkipLocalsInit]
    public unsafe int? RecvMmsg(DatagramBatch batch, int start, int count, int flags = 0)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        if (!CheckBatch(batch, start, count)) return null;
        if (count == 0)
        {
            Errors.Clear();
            return 0;
        }
        var op = new RecvMmsgOperation { Owner = call.Owner, Messages = batch.PrepareReceive(start, count), Count = count, Flags = flags };
        long received = BlockingIo.Run(call.Owner, call.Fd, ref op, flags);
        if (received < 0)
        {
            Errors.Set(new ErrorInfo((int)-received, "recvmmsg()"));
            return null;
        }
        // Own received descriptors before anything else can fail.
        batch.CompleteReceive(start, (int)received, flags);
        Errors.Clear();
        return (int)received;
    }

    private static bool CheckBatch(DatagramBatch? batch, int start, int count)
    {
        string? problem = null;
        if (batch is null) problem = "Invalid batch argument (null)";
        else if (start < 0 || start > batch.Count)
            problem = string.Create(CultureInfo.InvariantCulture, $"Invalid start argument ({start}; the batch holds {batch.Count} messages)");
        else if (count < 0 || count > batch.Count - start)
            problem = string.Create(CultureInfo.InvariantCulture, $"Invalid count argument ({count}; {batch.Count - start} messages from {start})");
        if (problem is null) return true;
        Errors.Set(ErrorInfo.Invalid(problem));
        return false;
    }
}
