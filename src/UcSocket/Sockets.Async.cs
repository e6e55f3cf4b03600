using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Native;

namespace UcSocket;

// The awaitable module functions. Name lookups (getaddrinfo cannot be made non-blocking) run on the thread pool;
// the connect attempts wait through the async engine. Errors are exceptions, as for every async call.
public static partial class Sockets
{
    /// <summary>
    /// Creates a socket connected to <paramref name="host"/>, as <see cref="Connect"/> does, without blocking the
    /// calling thread: a host or service name is resolved on the thread pool (a numeric address and port at once),
    /// every IPv4/IPv6 address is tried at once with a non-blocking connect, the first to complete wins and the
    /// others are closed. A string containing <c>/</c>, a <see cref="SocketAddress"/>, a dictionary or a byte array
    /// is used as is (<paramref name="service"/> then gives the port). Hints default to SOCK_STREAM. The returned
    /// socket is in blocking mode, as <see cref="Connect"/> returns it; its async calls do not need more.
    /// </summary>
    /// <param name="host">A host name, a numeric address (<c>"127.0.0.1"</c>, <c>"::1"</c>, <c>"[::1]"</c>), or an address in any form <see cref="Connect"/> takes.</param>
    /// <param name="service">A service name (<c>"http"</c>) or port number, or null.</param>
    /// <param name="hints">The wanted socket type, protocol, family and AI_* flags for the lookup: an <see cref="AddrInfoHints"/> or ucode's hints dictionary.</param>
    /// <param name="cancellationToken">
    /// Ends the lookup wait and every pending attempt; a timeout is a token that cancels itself
    /// (<c>new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token</c>). Without one an attempt takes as long
    /// as the kernel lets it (for TCP, the SYN retries: about two minutes, then ETIMEDOUT).
    /// </param>
    /// <returns>The connected socket.</returns>
    /// <exception cref="UcSocketException">
    /// The lookup failed (the negative EAI_* code, <c>"getaddrinfo(): Name or service not known"</c>), an argument
    /// does not convert (EINVAL or ERANGE naming it, as <see cref="Connect"/> records it), or every attempt failed:
    /// the last connect error, e.g. <c>"connect(): Connection refused"</c>.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; every attempt's socket is closed.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="host"/> is null.</exception>
    public static async ValueTask<SocketHandle> ConnectAsync(object host, object? service = null, object? hints = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var candidates = await CandidatesAsync(host, service, hints, passive: false, cancellationToken).ConfigureAwait(false);
        return await ConnectFirstAsync(candidates, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates a socket bound to <paramref name="host"/> and listening, as <see cref="Listen"/> does, with the name
    /// lookup on the thread pool so that the calling thread never blocks in it (a null host, a numeric address or
    /// anything that needs no lookup is handled at once). The address is chosen as <see cref="Listen"/> chooses it;
    /// datagram sockets are only bound.
    /// </summary>
    /// <param name="host">A host name or numeric address, null for the wildcard address, or an address in any form <see cref="Listen"/> takes.</param>
    /// <param name="service">A service name or port number, or null.</param>
    /// <param name="hints">The wanted socket type, protocol, family and AI_* flags (default: AI_PASSIVE|AI_ADDRCONFIG, SOCK_STREAM): an <see cref="AddrInfoHints"/> or ucode's hints dictionary.</param>
    /// <param name="backlog">The listen backlog.</param>
    /// <param name="reuseAddr">Sets SO_REUSEADDR before binding.</param>
    /// <param name="cancellationToken">Ends the wait for the lookup.</param>
    /// <returns>The listening (or, for datagrams, bound) socket.</returns>
    /// <exception cref="UcSocketException">The lookup, the socket, bind or listen failed, e.g. <c>"bind(): Address already in use"</c>; nothing is left open.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async ValueTask<SocketHandle> ListenAsync(object? host, object? service = null, object? hints = null, int backlog = 128,
        bool reuseAddr = false, CancellationToken cancellationToken = default)
    {
        var candidates = await CandidatesAsync(host, service, hints, passive: true, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        // The shared steps record errors for the blocking Listen; an async call leaves this thread's record as it was.
        var saved = Errors.Last;
        try
        {
            return ListenOnBest(candidates, backlog, reuseAddr) ?? throw new UcSocketException(Errors.Last!.Value);
        }
        finally
        {
            if (saved is { } before) Errors.Set(before);
            else Errors.Clear();
        }
    }

    /// <summary>The candidates, looked up on the thread pool when that can block; a failure is thrown as <see cref="UcSocketException"/>.</summary>
    private static ValueTask<List<Candidate>> CandidatesAsync(object? host, object? service, object? hintsValue, bool passive, CancellationToken cancellationToken)
    {
        if (!AddrInfoHints.TryFrom(hintsValue, out var hints, out var hintsError)) return ValueTask.FromException<List<Candidate>>(new UcSocketException(hintsError));
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<List<Candidate>>(cancellationToken);
        if (!MayBlockInLookup(host, service)) return ValueTask.FromResult(CandidatesOrThrow(host, service, hints, passive));
        // getaddrinfo cannot be interrupted: a canceled caller stops waiting, the lookup ends on its own and its result is dropped.
        var lookup = Task.Run(() => CandidatesOrThrow(host, service, hints, passive), cancellationToken);
        return new ValueTask<List<Candidate>>(lookup.WaitAsync(cancellationToken));
    }

    private static List<Candidate> CandidatesOrThrow(object? host, object? service, AddrInfoHints? hints, bool passive) =>
        TryCandidates(host, service, hints, passive, out var candidates, out var error) ? candidates : throw new UcSocketException(error);

    /// <summary>
    /// False when the candidates come without a lookup that could block: the host is not a string (an address used
    /// as is), null, or a numeric IPv4/IPv6 address; and the service is absent or a number. Anything else may ask
    /// the system's resolver (DNS, /etc/hosts, /etc/services, NSS modules).
    /// </summary>
    private static bool MayBlockInLookup(object? host, object? service)
    {
        bool numericService = service switch
        {
            null => true,
            string s => s.Length > 0 && s.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0,
            _ => service is int or long or short or ushort or uint or ulong or byte or sbyte,
        };
        if (!numericService) return true;
        if (host is not string name) return false;
        var text = name.AsSpan();
        if (text.Length > 2 && text[0] == '[' && text[^1] == ']') text = text[1..^1];
        return !InAddr.TryParse(text, out _) && !In6Addr.TryParse(text, out _);
    }

    /// <summary>Starts a connect to every candidate and waits for them through the engine: the first to connect wins.</summary>
    internal static async ValueTask<SocketHandle> ConnectFirstAsync(List<Candidate> candidates, CancellationToken cancellationToken)
    {
        ErrorInfo last = NoAddressConnected;
        var attempts = new List<(SocketHandle Handle, ConnectAttempt Attempt)>();
        var waits = new List<Task<int>>();
        SocketHandle? winner = null;
        int winnerFlags = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            foreach (var c in candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!TryStartAttempt(c, out var attempt, out var error))
                {
                    last = error;
                    continue;
                }
                // Owned by a handle at once: the engine waits on handles, and a handle closes what it owns on every path.
                var handle = new SocketHandle(attempt.Fd, c.Address.Family, c.SockType, nonBlocking: false);
                if (attempt.Connected)
                {
                    (winner, winnerFlags) = (handle, attempt.Flags);
                    break;
                }
                if (attempt.BacklogFull)
                {
                    // A UNIX listener with a full backlog: the handle's ConnectAsync retries until it makes room.
                    try
                    {
                        await handle.ConnectAsync(c.Address, cancellationToken).ConfigureAwait(false);
                    }
                    catch (UcSocketException e)
                    {
                        last = e.Error;
                        handle.Dispose();
                        continue;
                    }
                    catch
                    {
                        handle.Dispose();
                        throw;
                    }
                    (winner, winnerFlags) = (handle, attempt.Flags);
                    break;
                }
                attempts.Add((handle, attempt));
                waits.Add(handle.WaitAsync(POLLOUT, stop.Token).AsTask());
            }

            while (winner is null && waits.Count > 0)
            {
                var done = await Task.WhenAny(waits).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                int i = waits.IndexOf(done);
                var (handle, attempt) = attempts[i];
                waits.RemoveAt(i);
                attempts.RemoveAt(i);
                ErrorInfo failure;
                if (done.IsCompletedSuccessfully)
                {
                    if (FinishAttempt(handle, attempt, out failure))
                    {
                        (winner, winnerFlags) = (handle, attempt.Flags);
                        break;
                    }
                }
                else
                {
                    failure = (done.Exception?.InnerException as UcSocketException)?.Error ?? new ErrorInfo(Errno.ECANCELED, "connect()");
                }
                last = failure;
                handle.Dispose();
            }

            if (winner is null) throw new UcSocketException(last);
            if (!RestoreFlags(winner, winnerFlags, out var restoreError)) throw new UcSocketException(restoreError);
            var connected = winner;
            winner = null;
            return connected;
        }
        finally
        {
            // The losers' waits end before their handles close, so that none fails unobserved.
            stop.Cancel();
            foreach (var wait in waits) await ((Task)wait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var (handle, _) in attempts) handle.Dispose();
            winner?.Dispose();
        }
    }

    private static bool FinishAttempt(SocketHandle handle, ConnectAttempt attempt, out ErrorInfo error)
    {
        if (!handle.Owner.TryEnter())
        {
            error = new ErrorInfo(Errno.ECANCELED, "connect()");
            return false;
        }
        try
        {
            return TryFinishAttempt(handle.Owner.Fd, attempt.Candidate, out error);
        }
        finally
        {
            handle.Owner.Exit();
        }
    }

    private static bool RestoreFlags(SocketHandle handle, int flags, out ErrorInfo error)
    {
        if (!handle.Owner.TryEnter())
        {
            error = new ErrorInfo(Errno.ECANCELED, "fcntl()");
            return false;
        }
        try
        {
            return TryRestoreFlags(handle.Owner.Fd, flags, out error);
        }
        finally
        {
            handle.Owner.Exit();
        }
    }
}
