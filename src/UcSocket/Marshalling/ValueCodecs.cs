using System.ComponentModel;

namespace UcSocket.Marshalling;

/// <summary>The codecs of the spec's scalar value kinds; generated descriptors refer to these.</summary>
/// <remarks>For generated code only: the generator emits calls to it; it is not meant to be called by hand.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ValueCodecs
{
    /// <summary><c>bool</c>: an int that is 0 or 1 on the wire, a bool in C#.</summary>
    public static readonly ValueCodec<bool> Bool = new BoolCodec();

    /// <summary><c>int</c>: a native-order 32-bit signed integer.</summary>
    public static readonly ValueCodec<int> Int32 = new IntegerCodec<int>("int", IntegerLayout.AnyWidth, "integer", "an int");

    /// <summary><c>uint</c>: a native-order 32-bit unsigned integer.</summary>
    public static readonly ValueCodec<uint> UInt32 = new IntegerCodec<uint>("unsigned int", IntegerLayout.Exact, "unsigned integer", "a uint");

    /// <summary><c>be32</c>: a 32-bit unsigned integer in network byte order.</summary>
    public static readonly ValueCodec<uint> BigEndianUInt32 = new IntegerCodec<uint>("__be32", IntegerLayout.BigEndian, "unsigned integer", "a uint");

    /// <summary><c>string</c>/<c>bytes</c>: raw bytes, passed as is.</summary>
    public static readonly ValueCodec<byte[]> Bytes = new BytesCodec();

    /// <summary><c>cstring</c>: UTF-8 text; NUL-terminated when written, trailing NULs dropped when read.</summary>
    public static readonly ValueCodec<string> CString = new CStringCodec();

    /// <summary><c>ifname</c>: an interface index on the wire, given as index or name.</summary>
    public static readonly ValueCodec<InterfaceId> InterfaceName = new InterfaceNameCodec();

    /// <summary><c>ipv4</c>: a <c>struct in_addr</c>.</summary>
    public static readonly ValueCodec<InAddr> Ipv4 = new Ipv4Codec();

    /// <summary><c>ipv6</c>: a <c>struct in6_addr</c>.</summary>
    public static readonly ValueCodec<In6Addr> Ipv6 = new Ipv6Codec();

    /// <summary>
    /// <c>none</c>: no value. The kernel ignores the value of such options (SO_DETACH_FILTER) but refuses an optlen
    /// below <c>sizeof(int)</c>, so an int 0 is written.
    /// </summary>
    public static readonly ValueCodec<NoValue> None = new NoneCodec();

    /// <summary><c>sockaddr</c>: any registered address family.</summary>
    public static readonly ValueCodec<SocketAddress> SocketAddress = new SocketAddressCodec();

    /// <summary><c>fds</c>: a list of file descriptors (SCM_RIGHTS).</summary>
    public static readonly ValueCodec<FileDescriptors> FileDescriptors = new FileDescriptorsCodec();

    /// <summary><c>u16</c>: a native-order 16-bit unsigned integer (e.g. the UDP_SEGMENT control message).</summary>
    public static readonly ValueCodec<ushort> UInt16 = new IntegerCodec<ushort>("__u16", IntegerLayout.Exact, "16-bit unsigned integer", "within 0..65535");

    /// <summary><c>u64</c>: a native-order 64-bit unsigned integer (SO_COOKIE, SO_MAX_PACING_RATE, SCM_TXTIME).</summary>
    public static readonly ValueCodec<ulong> UInt64 = new IntegerCodec<ulong>("__u64", IntegerLayout.AnyWidth, "unsigned integer", "a 64-bit unsigned integer");

    /// <summary><c>uints</c>: a list of native-order 32-bit unsigned integers, as long as the kernel makes it (SO_MEMINFO, SO_PEERGROUPS).</summary>
    public static readonly ValueCodec<uint[]> UInt32Array = new UInt32ArrayCodec();

    /// <summary>
    /// <c>bpf</c>: a classic BPF program, passed as a <c>struct sock_fprog</c> that points at its instructions
    /// (SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF). Write-only. The instructions are written right after the
    /// <c>sock_fprog</c> in the same buffer (<see cref="ValueCodec{T}.GetSize"/> bytes), the pointer refers to them,
    /// and the length written is that of the <c>sock_fprog</c> alone, as the kernel wants. The encoded bytes are
    /// therefore valid only in the buffer they were written to, while it stays where it is: setsockopt through the
    /// library keeps it pinned; bytes from <see cref="SocketOption.TryEncodeUcode"/> are not fit to be passed to the kernel.
    /// </summary>
    public static readonly ValueCodec<SockFilter[]> BpfProgram = new BpfProgramCodec();

    /// <summary>
    /// <c>ifname_be32</c>: an interface index as a 32-bit integer in network byte order (IP_UNICAST_IF,
    /// IPV6_UNICAST_IF), given as index or name like <see cref="InterfaceName"/>.
    /// </summary>
    public static readonly ValueCodec<InterfaceId> InterfaceNameBigEndian = new InterfaceNameBigEndianCodec();
}
