using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using UcSocket;
using static UcSocket.Sockets;
using Icmp = ConsumerApp.SocketSpec; // what icmp.yaml generates: <RootNamespace>.SocketSpec

namespace ConsumerApp;

/// <summary>
/// Uses the ICMP_FILTER option of icmp.yaml the typed way and the ucode way on a raw ICMP socket, and prints one
/// "name: value" line per result for the package tests to check. Echo requests to 127.0.0.1 over the same socket
/// show that the kernel applies the mask: a filtered echo reply never arrives, an unfiltered one does.
/// </summary>
internal static class Program
{
    private static readonly ushort Id = (ushort)Environment.ProcessId;

    private static int Main()
    {
        // Registered when this assembly loaded, before anything here touched the generated classes.
        Print("registered", SpecRegistry.TryGetOption(SOL_RAW, Icmp.Sockets.ICMP_FILTER, out var descriptor) ? descriptor.Name : "none");

        using var s = Create(AF_INET, SOCK_RAW, IPPROTO_ICMP);
        if (s is null)
        {
            Console.Error.WriteLine(Error());
            return 1;
        }

        // Typed, with the project's own struct: drop echo requests (our own, looped back) and echo replies.
        Print("typed.set", s.SetOpt(Icmp.SockOpt.IcmpFilter, new Icmp.IcmpFilter(Mask: 1u << ICMP_ECHO | 1u << ICMP_ECHOREPLY)));
        Print("typed.get", s.GetOpt(Icmp.SockOpt.IcmpFilter) is { } t ? t.Mask : s.Error());
        Print("filtered.ping", Ping(s, sequence: 1, timeoutMs: 200));

        // The ucode way, by level and option number: drop only the echo requests, so the reply comes through.
        Print("ucode.set", s.SetOpt(SOL_RAW, Icmp.Sockets.ICMP_FILTER, new Dictionary<string, object?> { ["data"] = 1 << ICMP_ECHO }));
        Print("ucode.get", Show(s.GetOpt(SOL_RAW, Icmp.Sockets.ICMP_FILTER), s));
        Print("open.ping", Ping(s, sequence: 2, timeoutMs: 5000));

        // Bad input: an error naming the field, the kernel's value untouched. The package's analyzer reports these
        // calls when compiling (UCS105, UCS105, UCS104); the package tests also build this file with that check on.
#if !UCSOCKET_ANALYZER_CHECK
#pragma warning disable UCS104, UCS105
#endif
        Print("bad.set", s.SetOpt(SOL_RAW, Icmp.Sockets.ICMP_FILTER, new Dictionary<string, object?> { ["data"] = "all" }));
        Print("bad.error", s.Error());
        Print("bad.code", s.Error(numeric: true));
        Print("bad.range", s.SetOpt(SOL_RAW, Icmp.Sockets.ICMP_FILTER, new Dictionary<string, object?> { ["data"] = 1L << 32 }) is null ? s.Error() : "accepted");
        Print("bad.key", s.SetOpt(SOL_RAW, Icmp.Sockets.ICMP_FILTER, new Dictionary<string, object?> { ["mask"] = 0 }) is null ? s.Error() : "accepted");
#if !UCSOCKET_ANALYZER_CHECK
#pragma warning restore UCS104, UCS105
#else
        // Only in the build that checks the analyzer: calls it must report.
        s.SetOpt(SOL_SOCKET, TCP_NODELAY, true);                        // UCS101: TCP_NODELAY is an IPPROTO_TCP option
        s.SetOpt(SOL_SOCKET, SO_TYPE, 1);                                // UCS102: SO_TYPE is read-only
        s.SetOpt(SOL_RAW, Icmp.Sockets.ICMP_FILTER, "all");                   // UCS103: struct icmp_filter is no string
#endif
        Print("after.get", s.GetOpt(Icmp.SockOpt.IcmpFilter) is { } a ? a.Mask : s.Error());
        return 0;
    }

    /// <summary>
    /// Sends an echo request to 127.0.0.1 and waits for what the socket then receives: "none" when nothing came
    /// within the timeout, else the ICMP type and sequence number of the first message, and whether it is ours.
    /// </summary>
    private static string Ping(SocketHandle s, ushort sequence, int timeoutMs)
    {
        if (s.Send(EchoRequest(sequence), 0, "127.0.0.1:0") is null)
            return s.Error() ?? "send failed";
        var ready = Poll(timeoutMs, s);
        if (ready is null)
            return Error() ?? "poll failed";
        if (ready.Count == 0)
            return "none";
        var packet = s.Recv(4096, MSG_DONTWAIT);
        if (packet is null)
            return s.Error() ?? "recv failed";
        // A raw IPv4 socket receives the IP header too: the ICMP message starts after its IHL words.
        int at = (packet[0] & 0x0f) * 4;
        if (packet.Length < at + 8)
            return $"short packet of {packet.Length} bytes";
        var id = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(at + 4));
        var seq = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(at + 6));
        return $"type={packet[at]} seq={seq} id={(id == Id ? "ours" : id.ToString())}";
    }

    /// <summary>An ICMP echo request (RFC 792) with a short payload and its checksum.</summary>
    private static byte[] EchoRequest(ushort sequence)
    {
        var packet = new byte[16];
        packet[0] = (byte)ICMP_ECHO;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), Id);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), sequence);
        "ucsocket"u8.CopyTo(packet.AsSpan(8));
        uint sum = 0;
        for (int i = 0; i < packet.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(i));
        while (sum > 0xffff)
            sum = (sum & 0xffff) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)~sum);
        return packet;
    }

    private static string? Show(object? value, SocketHandle s) => value is Dictionary<string, object?> d
        ? string.Join(" ", d.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"))
        : s.Error();

    private static void Print(string name, object? value) => Console.WriteLine($"{name}: {value?.ToString() ?? "null"}");
}
