using System;
using System.Collections.Generic;
using System.Globalization;

namespace UcSocket;

/// <summary>
/// A socket address with ucode's fields (its <c>SocketAddress</c> object): <c>family</c>, <c>address</c>, <c>port</c>, <c>flowinfo</c>,
/// <c>interface</c>, <c>path</c>, <c>protocol</c>, <c>hardware_type</c>, <c>packet_type</c>; and, for the families
/// ucode lacks, <c>port_id</c> and <c>groups</c> (AF_NETLINK) and <c>cid</c> and <c>port_id</c> (AF_VSOCK).
/// Which fields apply depends on the family (AF_INET, AF_INET6, AF_UNIX, AF_PACKET, AF_NETLINK, AF_VSOCK).
/// </summary>
public sealed class SocketAddress
{
    /// <summary>Creates an address of the given family with no other field set.</summary>
    public SocketAddress(int family = 0) => Family = family;

    /// <summary>Address family (<c>AF_INET</c>, <c>AF_INET6</c>, <c>AF_UNIX</c>, <c>AF_PACKET</c>, ...).</summary>
    public int Family { get; set; }

    /// <summary>IPv4/IPv6 address text (AF_INET, AF_INET6) or hardware address in hex notation (AF_PACKET).</summary>
    public string? Address { get; set; }

    /// <summary>Port number (AF_INET, AF_INET6).</summary>
    public int? Port { get; set; }

    /// <summary>IPv6 flow information (AF_INET6).</summary>
    public uint? FlowInfo { get; set; }

    /// <summary>
    /// IPv6 scope or packet-socket interface (AF_INET6, AF_PACKET): given by name or index; an address the kernel or the
    /// resolver reports carries both, and <see cref="ToDictionary"/> gives the name when the system knows the index.
    /// An IPv6 scope ID is a 32-bit unsigned number: one above <see cref="int.MaxValue"/> (no interface has it) is held
    /// as the <see cref="InterfaceId.Index"/> of the same 32 bits and reported as the unsigned number.
    /// </summary>
    public InterfaceId? Interface { get; set; }

    /// <summary>
    /// Socket path (AF_UNIX); a leading <c>@</c> names an abstract socket. The kernel's names are bytes: bytes that
    /// are not UTF-8 appear as the lone surrogates U+DC80..U+DCFF (one per byte), and the byte <c>@</c> that starts a
    /// filesystem path (a file <c>@x</c> in the working directory) as U+DC40, so a name read from the kernel
    /// (<see cref="SocketHandle.Recv(int, int, SocketAddress?)"/>, <see cref="SocketHandle.PeerName"/>, ...) can be
    /// sent to as it is; <see cref="GetPathBytes"/> gives the bytes.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>
    /// The bytes of <see cref="Path"/> as they go into <c>sun_path</c> (an abstract name without its leading <c>@</c>, a
    /// filesystem path without its terminating NUL), or null when there is no path or it does not encode (a lone
    /// surrogate that stands for no byte, a NUL inside a filesystem path).
    /// </summary>
    public byte[]? GetPathBytes()
    {
        return Path is null ? null : Marshalling.SpecFields.SockaddrPathBytes(Path);
    }

    /// <summary>Physical-layer protocol (AF_PACKET).</summary>
    public int? Protocol { get; set; }

    /// <summary>ARP hardware type (AF_PACKET).</summary>
    public int? HardwareType { get; set; }

    /// <summary>Packet type (AF_PACKET).</summary>
    public int? PacketType { get; set; }

    /// <summary>
    /// A 32-bit port identifier, <c>port_id</c>: the netlink port ID (AF_NETLINK <c>nl_pid</c>: 0 is the kernel; a
    /// process's first socket usually gets its PID, later ones other unique numbers) or the vsock port (AF_VSOCK
    /// <c>svm_port</c>; <c>VMADDR_PORT_ANY</c> binds any). <see cref="Port"/> stays the 16-bit IP port.
    /// </summary>
    public uint? PortId { get; set; }

    /// <summary>Netlink multicast group mask (AF_NETLINK <c>nl_groups</c>): bit n - 1 for group n (groups 1 to 32).</summary>
    public uint? Groups { get; set; }

    /// <summary>vsock context ID (AF_VSOCK <c>svm_cid</c>): <c>VMADDR_CID_ANY</c>, <c>VMADDR_CID_LOCAL</c>, <c>VMADDR_CID_HOST</c>, a guest's CID.</summary>
    public uint? Cid { get; set; }

    /// <summary>A copy with the same fields (so a call can adjust it without touching the caller's object).</summary>
    internal SocketAddress Clone() => (SocketAddress)MemberwiseClone();

    /// <summary>
    /// Replaces every field with <paramref name="source"/>'s, as ucode fills a caller's address dictionary
    /// (fields the new address does not have become null rather than keeping stale values).
    /// </summary>
    internal void CopyFrom(SocketAddress source)
    {
        Family = source.Family;
        Address = source.Address;
        Port = source.Port;
        FlowInfo = source.FlowInfo;
        Interface = source.Interface;
        Path = source.Path;
        Protocol = source.Protocol;
        HardwareType = source.HardwareType;
        PacketType = source.PacketType;
        PortId = source.PortId;
        Groups = source.Groups;
        Cid = source.Cid;
    }

    /// <summary>The ucode-style form: a dictionary with ucode's field names, holding only the fields that are set.</summary>
    public Dictionary<string, object?> ToDictionary()
    {
        var d = new Dictionary<string, object?> { ["family"] = Family };
        if (Address is not null) d["address"] = Address;
        if (Port is not null) d["port"] = Port.Value;
        if (FlowInfo is not null) d["flowinfo"] = FlowInfo.Value;
        if (Interface is { } i) d["interface"] = InterfaceToUcode(i);
        if (Path is not null) d["path"] = Path;
        if (Protocol is not null) d["protocol"] = Protocol.Value;
        if (HardwareType is not null) d["hardware_type"] = HardwareType.Value;
        if (PacketType is not null) d["packet_type"] = PacketType.Value;
        if (PortId is not null) d["port_id"] = PortId.Value;
        if (Groups is not null) d["groups"] = Groups.Value;
        if (Cid is not null) d["cid"] = Cid.Value;
        return d;
    }

    /// <summary>The interface as ucode reports it: its name, else the number; sin6_scope_id is unsigned (__u32), sll_ifindex a C int.</summary>
    private object InterfaceToUcode(InterfaceId id) =>
        Family == Sockets.AF_INET6 && id is { Name: null, Index: < 0 } ? unchecked((uint)id.Index) : id.ToUcode();

    /// <summary>
    /// Text as ucode users read it: <c>1.2.3.4:80</c>, <c>[::1]:80</c>, <c>[fe80::1%lo]:80</c>, a path, or the hardware address; a vsock
    /// address as <c>cid:port</c>, a netlink address as its port ID.
    /// </summary>
    public override string ToString()
    {
        if (Path is not null) return Path;
        if (Cid is not null) return string.Create(CultureInfo.InvariantCulture, $"{Cid}:{PortId}");
        if (Address is null && PortId is not null) return PortId.Value.ToString(CultureInfo.InvariantCulture);
        if (Address is null) return "";
        // An IPv6 scope is part of the address text (fe80::1%lo), as AddressConversion parses it back.
        string host = Family == Sockets.AF_INET6 && Interface is { } scope
            ? Address + "%" + Convert.ToString(InterfaceToUcode(scope), CultureInfo.InvariantCulture)
            : Address;
        if (Port is null) return host;
        return host.Contains(':')
            ? string.Create(CultureInfo.InvariantCulture, $"[{host}]:{Port}")
            : string.Create(CultureInfo.InvariantCulture, $"{host}:{Port}");
    }
}
