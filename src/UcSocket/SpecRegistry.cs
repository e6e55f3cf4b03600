using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using UcSocket.Marshalling;

namespace UcSocket;

/// <summary>
/// The runtime tables the core looks options, control messages and address families up in. Every assembly
/// with a spec registers its entries here when it loads (a generated module initializer), so a consumer's
/// own spec extends the ucode-style API without touching the core. A later registration of the same key replaces
/// the earlier one.
/// </summary>
public static class SpecRegistry
{
    private static readonly ConcurrentDictionary<long, SocketOption> s_options = new();
    private static readonly ConcurrentDictionary<long, ControlMessageType> s_cmsgs = new();
    private static readonly ConcurrentDictionary<int, AddressFamilyCodec> s_families = new();

    private static long Key(int a, int b) => ((long)a << 32) | (uint)b;

    /// <summary>Registers (or replaces) an option.</summary>
    public static void Register(SocketOption option) => s_options[Key(option.Level, option.Option)] = option;

    /// <summary>Registers (or replaces) a control-message type.</summary>
    public static void Register(ControlMessageType type) => s_cmsgs[Key(type.Level, type.Type)] = type;

    /// <summary>Registers (or replaces) an address-family codec.</summary>
    public static void Register(AddressFamilyCodec family) => s_families[family.Family] = family;

    /// <summary>Finds the option at (level, option).</summary>
    public static bool TryGetOption(int level, int option, [NotNullWhen(true)] out SocketOption? descriptor) =>
        s_options.TryGetValue(Key(level, option), out descriptor);

    /// <summary>Finds the control-message type at (level, type).</summary>
    public static bool TryGetControlMessage(int level, int type, [NotNullWhen(true)] out ControlMessageType? descriptor) =>
        s_cmsgs.TryGetValue(Key(level, type), out descriptor);

    /// <summary>Finds the codec of an address family.</summary>
    public static bool TryGetFamily(int family, [NotNullWhen(true)] out AddressFamilyCodec? codec) =>
        s_families.TryGetValue(family, out codec);

    /// <summary>Every registered option, ordered by level and option.</summary>
    public static IReadOnlyList<SocketOption> Options => s_options.Values.OrderBy(o => o.Level).ThenBy(o => o.Option).ToList();

    /// <summary>Every registered control-message type, ordered by level and type.</summary>
    public static IReadOnlyList<ControlMessageType> ControlMessages => s_cmsgs.Values.OrderBy(c => c.Level).ThenBy(c => c.Type).ToList();

    /// <summary>Every registered address family, ordered by number.</summary>
    public static IReadOnlyList<AddressFamilyCodec> Families => s_families.Values.OrderBy(f => f.Family).ToList();
}
