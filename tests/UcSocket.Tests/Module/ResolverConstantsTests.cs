using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using UcSocket.Native;
using Xunit;

namespace UcSocket.Tests.Module;

/// <summary>The AI_*, NI_*, EAI_* and POLL* constants ucode exports, and the addrinfo layout compared with the C headers (constant values are in the spec header check).</summary>
public class ResolverConstantsTests
{
    private static readonly string[] Prefixes = ["AI_", "NI_", "EAI_", "POLL"];

    private static Dictionary<string, long> Constants() =>
        typeof(Sockets).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && Prefixes.Any(p => f.Name.StartsWith(p, StringComparison.Ordinal)))
            .ToDictionary(f => f.Name, f => Convert.ToInt64(f.GetRawConstantValue()));

    [Fact]
    public void TheResolverAndPollConstantsUcodeExportsExist()
    {
        var names = Constants().Keys;
        string[] ucode =
        [
            "AI_ADDRCONFIG", "AI_ALL", "AI_CANONIDN", "AI_CANONNAME", "AI_IDN", "AI_NUMERICHOST", "AI_NUMERICSERV", "AI_PASSIVE", "AI_V4MAPPED",
            "NI_DGRAM", "NI_IDN", "NI_MAXHOST", "NI_MAXSERV", "NI_NAMEREQD", "NI_NOFQDN", "NI_NUMERICHOST", "NI_NUMERICSERV",
            "POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL", "POLLRDHUP",
            "EAI_NONAME", "EAI_SYSTEM",
        ];
        Assert.Empty(ucode.Except(names));
    }

    [Fact]
    public void EaiNonameIsMinusTwoAsInNetdbH() => Assert.Equal(-2, Sockets.EAI_NONAME);

    [FactWithCompiler]
    public unsafe void TheAddrinfoLayoutMatchesTheCHeaders()
    {
        const string c = """
            #include <netdb.h>
            #include <stddef.h>
            #include <stdio.h>
            int main(void) {
                printf("%zu %zu %zu %zu %zu %zu %zu %zu %zu\n", sizeof(struct addrinfo),
                    offsetof(struct addrinfo, ai_flags), offsetof(struct addrinfo, ai_family),
                    offsetof(struct addrinfo, ai_socktype), offsetof(struct addrinfo, ai_protocol),
                    offsetof(struct addrinfo, ai_addrlen), offsetof(struct addrinfo, ai_addr),
                    offsetof(struct addrinfo, ai_canonname), offsetof(struct addrinfo, ai_next));
                return 0;
            }
            """;
        var expected = ModuleTestSupport.CompileAndRun(c).Trim();
        NativeAddrInfo probe = default;
        byte* b = (byte*)&probe;
        long Off(void* field) => (byte*)field - b;
        var actual = string.Join(' ', new long[]
        {
            sizeof(NativeAddrInfo), Off(&probe.Flags), Off(&probe.Family), Off(&probe.SockType), Off(&probe.Protocol),
            Off(&probe.AddrLen), Off(&probe.Addr), Off(&probe.CanonName), Off(&probe.Next),
        });
        Assert.Equal(expected, actual);
    }
}
