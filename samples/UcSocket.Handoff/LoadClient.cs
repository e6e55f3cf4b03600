using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static UcSocket.Sockets;

namespace UcSocket.Handoff;

/// <summary>
/// <c>handoff load</c>: clients that stream bytes to the echo service and check every byte that comes back, in
/// order, for as long as asked; then each closes its sending side and checks that the echo ends with its last byte.
/// Prints a line per second and ends with exit code 0 only when no client saw an error or a wrong byte.
/// </summary>
internal static class LoadClient
{
    /// <summary>The byte at <paramref name="position"/> of client <paramref name="client"/>'s stream: every byte checkable on its own.</summary>
    public static byte Expected(int client, long position)
    {
        ulong x = (ulong)position * 0x9E3779B97F4A7C15UL + (ulong)client;
        x ^= x >> 29;
        x *= 0xBF58476D1CE4E5B9UL;
        return (byte)(x >> 32);
    }

    public static async Task<int> RunAsync(string target, int clients, int seconds)
    {
        long echoed = 0, errors = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var watch = Stopwatch.StartNew();
        var running = Enumerable.Range(0, clients).Select(id => Task.Run(async () =>
        {
            try
            {
                await StreamAsync(target, id, stop.Token, n => Interlocked.Add(ref echoed, n));
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref errors);
                Console.WriteLine($"client {id}: {ex.Message}");
            }
        })).ToArray();
        var all = Task.WhenAll(running);
        while (await Task.WhenAny(all, Task.Delay(1000)) != all)
            Console.WriteLine($"{watch.Elapsed.TotalSeconds,5:0} s: {Interlocked.Read(ref echoed),12:N0} bytes echoed and checked, {Interlocked.Read(ref errors)} errors");
        Console.WriteLine($"load: {clients} clients, {echoed:N0} bytes echoed and checked, {errors} errors");
        return errors == 0 ? 0 : 1;
    }

    private static async Task StreamAsync(string target, int id, CancellationToken stop, Action<int> progress)
    {
        using var socket = Create(target.StartsWith('[') ? AF_INET6 : AF_INET, SOCK_STREAM).OrThrow();
        await socket.ConnectAsync(target);
        long sent = 0, received = 0;
        var sending = Task.Run(async () =>
        {
            var chunk = new byte[4096];
            var random = new Random(id);
            while (!stop.IsCancellationRequested)
            {
                int length = random.Next(1, chunk.Length + 1);
                for (int i = 0; i < length; i++) chunk[i] = Expected(id, sent + i);
                await socket.SendAsync(chunk.AsMemory(0, length));
                sent += length;
                await Task.Delay(2);
            }
            socket.Shutdown(SHUT_WR).OrThrow(); // the service echoes the rest, then closes
        });
        var buffer = new byte[16384];
        while (true)
        {
            int n = await socket.RecvAsync(buffer);
            if (n == 0) break;
            for (int i = 0; i < n; i++)
                if (buffer[i] != Expected(id, received + i))
                    throw new InvalidOperationException($"byte {received + i} is {buffer[i]}, expected {Expected(id, received + i)}");
            received += n;
            progress(n);
        }
        await sending;
        if (received != sent) throw new InvalidOperationException($"sent {sent} bytes, {received} came back before the end");
    }
}
