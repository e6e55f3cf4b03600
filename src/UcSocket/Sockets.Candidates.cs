using System;
using System.Collections.Generic;
using UcSocket.Marshalling;
using UcSocket.Native;
using static UcSocket.Native.Errno;

namespace UcSocket;

// The steps Connect/ConnectAsync and Listen/ListenAsync share once the candidate addresses are known: the blocking
// calls wait for the attempts in poll, the async ones through the engine.
public static partial class Sockets
{
    /// <summary>
    /// One connect attempt started by <see cref="TryStartAttempt"/>: its descriptor, the status flags to put back on
    /// the winner, whether it connected at once, and whether it found a UNIX listener's backlog full (EAGAIN, which
    /// poll cannot wait for: the connect is retried).
    /// </summary>
    private readonly record struct ConnectAttempt(int Fd, int Flags, Candidate Candidate, bool Connected, bool BacklogFull = false);

    /// <summary>The error when no candidate got as far as a connect of its own.</summary>
    private static ErrorInfo NoAddressConnected => new(EAI_NONAME, "Could not connect to any host address");

    /// <summary>
    /// Creates a close-on-exec socket for <paramref name="candidate"/>, puts it in non-blocking mode and starts
    /// connecting it. False with the error (and nothing left open) when any step failed; otherwise the caller owns
    /// <see cref="ConnectAttempt.Fd"/>, connected already or in progress.
    /// </summary>
    private static bool TryStartAttempt(Candidate candidate, out ConnectAttempt attempt, out ErrorInfo error)
    {
        attempt = default;
        Span<byte> sockaddr = stackalloc byte[Sockaddr.StorageSize];
        if (!Sockaddr.TryEncode(candidate.Address, sockaddr, out int length, out error)) return false;
        long created = SocketSyscalls.Socket(candidate.Address.Family, candidate.SockType | SOCK_CLOEXEC, candidate.Protocol);
        if (created < 0)
        {
            error = new ErrorInfo((int)-created, "socket()");
            return false;
        }
        int fd = (int)created;
        long flags = SocketSyscalls.GetStatusFlags(fd);
        long set = flags < 0 ? flags : SocketSyscalls.SetStatusFlags(fd, (int)flags | SocketSyscalls.O_NONBLOCK);
        if (set < 0)
        {
            error = new ErrorInfo((int)-set, "fcntl()");
            SocketSyscalls.Close(fd);
            return false;
        }
        long rc = SocketSyscalls.Connect(fd, sockaddr[..length]);
        if (rc == 0 || rc == -EINPROGRESS || rc == -EINTR || (rc == -EAGAIN && candidate.Address.Family == AF_UNIX))
        {
            attempt = new ConnectAttempt(fd, (int)flags, candidate, Connected: rc == 0, BacklogFull: rc == -EAGAIN);
            return true;
        }
        error = new ErrorInfo((int)-rc, "connect()");
        SocketSyscalls.Close(fd);
        return false;
    }

    /// <summary>
    /// After an attempt in progress became writable: true when it connected (SO_ERROR is 0), and then a second
    /// connect records the socket as connected, as a blocking connect leaves it (a later connect fails with
    /// EISCONN); false with the connect error otherwise.
    /// </summary>
    private static bool TryFinishAttempt(int fd, Candidate candidate, out ErrorInfo error)
    {
        if (!OptionIO.TryGet(fd, SOL_SOCKET, SO_ERROR, SockOpt.SoError.GetCodec, out int pending, out error)) return false;
        if (pending != 0)
        {
            error = new ErrorInfo(pending, "connect()");
            return false;
        }
        Span<byte> sockaddr = stackalloc byte[Sockaddr.StorageSize];
        if (Sockaddr.TryEncode(candidate.Address, sockaddr, out int length, out _)) SocketSyscalls.Connect(fd, sockaddr[..length]);
        return true;
    }

    /// <summary>Puts the winning attempt's status flags back (blocking mode, as the socket was created).</summary>
    private static bool TryRestoreFlags(int fd, int flags, out ErrorInfo error)
    {
        long restored = SocketSyscalls.SetStatusFlags(fd, flags);
        error = restored < 0 ? new ErrorInfo((int)-restored, "fcntl()") : default;
        return restored >= 0;
    }

    /// <summary>
    /// Listen's work once the candidates are known: the best-ranked address (<see cref="Weight"/>) is bound, with
    /// SO_REUSEADDR first when asked, and listened on unless it is a datagram socket. Null with the error recorded
    /// (the socket is closed).
    /// </summary>
    private static SocketHandle? ListenOnBest(List<Candidate> candidates, int backlog, bool reuseAddr)
    {
        Candidate? best = null;
        int bestWeight = -1;
        foreach (var c in candidates)
        {
            int weight = Weight(c.Address);
            if (weight > bestWeight)
            {
                bestWeight = weight;
                best = c;
            }
        }
        if (best is null) return Errors.Fail<SocketHandle>(new ErrorInfo(EAI_NONAME, "Could not resolve host address"));

        var socket = Create(best.Address.Family, best.SockType, best.Protocol);
        if (socket is null) return null;
        if (reuseAddr && socket.SetOpt(SockOpt.SoReuseAddr, true) is null || socket.Bind(best.Address) is null)
        {
            var e = Errors.Last!.Value;
            socket.Dispose();
            return Errors.Fail<SocketHandle>(e);
        }
        if (best.SockType is SOCK_STREAM or SOCK_SEQPACKET && socket.Listen(backlog) is null)
        {
            var e = Errors.Last!.Value;
            socket.Dispose();
            return Errors.Fail<SocketHandle>(e);
        }
        Errors.Clear();
        return socket;
    }
}
