using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Tmds.Linux;
using UcSocket.Native;
using static UcSocket.Native.Errno;
using UcSocket.Marshalling;

namespace UcSocket;

public static partial class Sockets
{
    /// <summary>
    /// Creates a socket connected to <paramref name="host"/> (<c>socket.connect</c>): a host name or address string is
    /// resolved (service: a name such as "http" or a port number, as text or a number) and every IPv4/IPv6 address is
    /// tried at once with a non-blocking connect; the first to complete wins and the others are closed. A string
    /// containing <c>/</c>, a <see cref="SocketAddress"/>, a dictionary or a byte array is used as is (service then
    /// gives the port). <paramref name="hints"/> is an <see cref="AddrInfoHints"/> or ucode's hints dictionary, as for
    /// <see cref="AddrInfo"/>; it defaults to SOCK_STREAM. <paramref name="timeoutMs"/> bounds the wait (negative:
    /// none). The returned socket is blocking again. Null on error: EINVAL for a null host, ERANGE "Invalid port number"
    /// for a port outside 0 to 65535, the resolver's negative EAI_* code, the last connect error
    /// (<c>"connect(): Connection refused"</c>), or ETIMEDOUT <c>"Connection timed out"</c>.
    /// </summary>
    /// <remarks>
    /// Unlike ucode, which polls once and then gives up on addresses still pending, every address is waited for until
    /// the timeout; and when every attempt fails the error is the last real connect error rather than EAI_NONAME
    /// "Could not connect to any host address". A UNIX listener whose backlog is full (EAGAIN) is waited for too,
    /// until the timeout, as a TCP connect waits for its handshake.
    /// </remarks>
    public static unsafe SocketHandle? Connect(object? host, object? service = null, object? hints = null, int timeoutMs = -1)
    {
        if (host is null) return Errors.Fail<SocketHandle>(ErrorInfo.Invalid("Argument host is required"));
        if (!AddrInfoHints.TryFrom(hints, out var typedHints, out var error)
            || !TryCandidates(host, service, typedHints, passive: false, out var candidates, out error))
            return Errors.Fail<SocketHandle>(error);

        var stopwatch = Stopwatch.StartNew();
        var pending = new List<ConnectAttempt>();
        ErrorInfo last = NoAddressConnected;
        ConnectAttempt? winner = null;
        try
        {
            foreach (var c in candidates)
            {
                if (!TryStartAttempt(c, out var attempt, out error))
                {
                    last = error;
                    continue;
                }
                if (attempt.Connected)
                {
                    winner = attempt;
                    break;
                }
                if (attempt.BacklogFull)
                {
                    // A UNIX listener with a full backlog: wait for room as long as the timeout allows.
                    long rc = RetryWhileBacklogFull(attempt, timeoutMs, stopwatch);
                    if (rc == 0)
                    {
                        winner = attempt;
                        break;
                    }
                    last = rc == -ETIMEDOUT ? new ErrorInfo(ETIMEDOUT, "Connection timed out") : new ErrorInfo((int)-rc, "connect()");
                    SocketSyscalls.Close(attempt.Fd);
                    continue;
                }
                pending.Add(attempt);
            }

            var fds = stackalloc pollfd[Math.Max(1, pending.Count)]; // pending only shrinks from here on
            while (winner is null && pending.Count > 0)
            {
                int wait = timeoutMs < 0 ? -1 : (int)Math.Max(0, timeoutMs - stopwatch.ElapsedMilliseconds);
                for (int i = 0; i < pending.Count; i++)
                {
                    fds[i].fd = pending[i].Fd;
                    fds[i].events = (short)(POLLOUT | POLLERR | POLLHUP);
                    fds[i].revents = 0;
                }
                long ready = BlockingIo.Poll(fds, pending.Count, wait);
                if (ready < 0)
                {
                    last = new ErrorInfo((int)-ready, "poll()");
                    break;
                }
                if (ready == 0)
                {
                    last = new ErrorInfo(Errno.ETIMEDOUT, "Connection timed out");
                    break;
                }
                for (int i = pending.Count - 1; i >= 0; i--)
                {
                    if (fds[i].revents == 0) continue;
                    if (TryFinishAttempt(pending[i].Fd, pending[i].Candidate, out var failure))
                    {
                        if (winner is not null) continue; // a second success: closed with the rest below
                        winner = pending[i];
                        pending.RemoveAt(i);
                        continue;
                    }
                    last = failure;
                    SocketSyscalls.Close(pending[i].Fd);
                    pending.RemoveAt(i);
                }
            }

            if (winner is not { } won) return Errors.Fail<SocketHandle>(last);
            if (!TryRestoreFlags(won.Fd, won.Flags, out error))
            {
                SocketSyscalls.Close(won.Fd);
                return Errors.Fail<SocketHandle>(error);
            }
            Errors.Clear();
            return new SocketHandle(won.Fd, won.Candidate.Address.Family, won.Candidate.SockType, nonBlocking: false);
        }
        finally
        {
            foreach (var attempt in pending) SocketSyscalls.Close(attempt.Fd);
        }
    }

    /// <summary>
    /// Retries a non-blocking connect to a UNIX listener whose backlog is full (EAGAIN: a full backlog cannot be
    /// waited for with poll) after growing pauses, until it connects, fails otherwise, or the timeout passes
    /// (-ETIMEDOUT). 0 or the negated errno.
    /// </summary>
    private static long RetryWhileBacklogFull(ConnectAttempt attempt, int timeoutMs, Stopwatch stopwatch)
    {
        Span<byte> sockaddr = stackalloc byte[Sockaddr.StorageSize];
        if (!Sockaddr.TryEncode(attempt.Candidate.Address, sockaddr, out int length, out _)) return -EINVAL;
        sockaddr = sockaddr[..length];
        int fd = attempt.Fd;
        int delay = 1;
        while (true)
        {
            if (timeoutMs >= 0 && stopwatch.ElapsedMilliseconds >= timeoutMs) return -ETIMEDOUT;
            Thread.Sleep(timeoutMs < 0 ? delay : (int)Math.Min(delay, Math.Max(1, timeoutMs - stopwatch.ElapsedMilliseconds)));
            delay = Math.Min(delay * 2, 64);
            long rc = SocketSyscalls.Connect(fd, sockaddr);
            if (rc != -EAGAIN) return rc;
        }
    }

    /// <summary>
    /// Creates a socket bound to <paramref name="host"/> and listening (<c>socket.listen</c>). A null host or a name
    /// is resolved with AI_PASSIVE|AI_ADDRCONFIG (SOCK_STREAM unless hints say otherwise) and the best address taken as
    /// ucode ranks them (non-loopback over loopback, IPv6 over IPv4, non-link-local over link-local); an address string
    /// containing <c>/</c>, a <see cref="SocketAddress"/> or a dictionary is used as is, with <paramref name="service"/>
    /// as the port (a number or numeric text; outside 0 to 65535 it is ERANGE "Invalid port number"). Hints are an
    /// <see cref="AddrInfoHints"/> or ucode's hints dictionary, as for <see cref="AddrInfo"/>. A UNIX path listens on a
    /// stream socket unless hints say otherwise. Datagram sockets are only bound. With <paramref name="reuseAddr"/>
    /// SO_REUSEADDR is set first. Null on error (the socket is closed).
    /// </summary>
    /// <remarks>
    /// ucode makes UNIX and other non-IP listeners datagram sockets by default, which listen() then rejects; this
    /// library uses a stream socket, as the module documentation promises. ucode also leaks the descriptor when
    /// setting SO_REUSEADDR fails; here it is closed.
    /// </remarks>
    public static unsafe SocketHandle? Listen(object? host, object? service = null, object? hints = null, int backlog = 128, bool reuseAddr = false)
    {
        if (!AddrInfoHints.TryFrom(hints, out var typedHints, out var error)
            || !TryCandidates(host, service, typedHints, passive: true, out var candidates, out error))
            return Errors.Fail<SocketHandle>(error);
        return ListenOnBest(candidates, backlog, reuseAddr);
    }

    internal sealed record Candidate(SocketAddress Address, int SockType, int Protocol);

    /// <summary>The addresses to try: resolved for names (and a null passive host), converted as is otherwise.</summary>
    private static bool TryCandidates(object? host, object? service, AddrInfoHints? hints, bool passive, out List<Candidate> candidates, out ErrorInfo error)
    {
        candidates = new List<Candidate>();
        error = default;

        if (host is null || host is string s2 && !s2.Contains('/') && !(s2.Length > 0 && s2[0] is '@' or '\0'))
        {
            var effective = hints ?? (passive
                ? new AddrInfoHints { Flags = AI_PASSIVE | AI_ADDRCONFIG, SockType = SOCK_STREAM }
                : new AddrInfoHints { SockType = SOCK_STREAM });
            if (!TryResolve((string?)host, service, effective, out var results, out error)) return false;
            foreach (var r in results)
                if (r.Family is AF_INET or AF_INET6) candidates.Add(new Candidate(r.Addr, r.SockType, r.Protocol));
            if (candidates.Count == 0)
            {
                error = new ErrorInfo(EAI_NONAME, "Could not resolve host address");
                return false;
            }
            return true;
        }

        if (!AddressConversion.TryConvert(host, out var address, out error)) return false;
        address = address!.Clone();
        if (service is not null)
        {
            if (address.Family is not (AF_INET or AF_INET6))
            {
                error = ErrorInfo.Invalid("Port argument is only valid for IPv4 and IPv6 addresses");
                return false;
            }
            if (!Marshalling.UcodeValue.TryToRange(service, 0, 65535, out long port))
            {
                error = new ErrorInfo(ERANGE, "Invalid port number");
                return false;
            }
            address.Port = (int)port;
        }
        int sockType = hints is { SockType: not 0 } ? hints.SockType : SOCK_STREAM;
        candidates.Add(new Candidate(address, sockType, hints?.Protocol ?? 0));
        return true;
    }

    /// <summary>ucode's ranking of passive addresses: non-loopback, then IPv6, then non-link-local.</summary>
    private static int Weight(SocketAddress a)
    {
        bool v6 = a.Family == AF_INET6;
        bool loopback = false, linkLocal = false;
        if (v6 && In6Addr.TryParse(a.Address ?? "", out var a6))
        {
            Span<byte> b = stackalloc byte[16];
            a6.CopyTo(b);
            loopback = b[..15].IndexOfAnyExcept((byte)0) < 0 && b[15] == 1;
            linkLocal = b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
        }
        else if (InAddr.TryParse(a.Address ?? "", out var a4))
        {
            loopback = (a4.Value >> 24) == 127;
            linkLocal = (a4.Value >> 16) == 0xa9fe;
        }
        return (!loopback ? 4 : 0) | (v6 ? 2 : 0) | (!linkLocal ? 1 : 0);
    }
}
