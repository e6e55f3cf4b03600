using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using UcSocket.Tests.Options;
using Xunit;

namespace UcSocket.Tests.Matrix;

/// <summary>
/// A real reception of control messages, named by test rows (<c>receive: udp4-ttl</c>): a static method that
/// makes the kernel deliver them on loopback and returns the received message.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class CmsgScenarioAttribute : Attribute
{
    public CmsgScenarioAttribute(string name) => Name = name;

    public string Name { get; }
}

internal static class CmsgScenarios
{
    private static readonly Lazy<Dictionary<string, MethodInfo>> s_all = new(() =>
        typeof(CmsgScenarios).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Where(m => m.GetCustomAttribute<CmsgScenarioAttribute>() is not null)
            .ToDictionary(m => m.GetCustomAttribute<CmsgScenarioAttribute>()!.Name));

    public static IReadOnlyCollection<string> Names => s_all.Value.Keys;

    public static ReceivedMessage Run(string name)
    {
        Assert.True(s_all.Value.TryGetValue(name, out var method), $"no [CmsgScenario(\"{name}\")] method (known: {string.Join(", ", Names)})");
        return (ReceivedMessage)method!.Invoke(null, null)!;
    }
}

/// <summary>
/// One test per control-message type in the spec, driven by its <c>test:</c> row: <c>roundtrip:</c> a ucode-style
/// value encoded and decoded again through the generated codec (<c>$fds</c>: descriptors of a fresh pipe), and
/// <c>receive:</c> a scenario in which the kernel delivers the type on loopback (decoded, and matched against
/// <c>expect:</c> when given) — or <c>noreceive:</c> saying why the kernel cannot produce it here.
/// </summary>
public class CmsgMatrixTests
{
    public static TheoryData<string> Types()
    {
        var data = new TheoryData<string>();
        foreach (var row in SpecRows.Cmsgs) data.Add(row.Level + "/" + row.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void ControlMessageType(string levelAndType)
    {
        var row = SpecRows.Cmsg(levelAndType);
        Assert.True(row.Test is not null, $"{levelAndType} ({row.Where}) has no test row: every cmsg type needs one");
        int level = TestSocket.C(row.Level), type = TestSocket.C(row.Name);
        Assert.True(SpecRegistry.TryGetControlMessage(level, type, out var descriptor), $"{levelAndType} is not registered");

        Assert.True(row.Has("roundtrip"), $"{levelAndType} ({row.Where}): the test row needs 'roundtrip'");
        RoundTrip(descriptor!, row["roundtrip"], levelAndType);

        if (row.Has("receive"))
        {
            using var message = CmsgScenarios.Run((string)row["receive"]!);
            Assert.True(message.Ancillary is not null, $"{levelAndType}: scenario {row["receive"]} received no control data");
            var found = message.Ancillary!.Where(c => c.Level == level && c.Type == type).ToList();
            Assert.True(found.Count > 0, $"{levelAndType}: scenario {row["receive"]} delivered [{string.Join(", ", message.Ancillary!.Select(c => c.Level + "/" + c.Type))}] but not this type");
            foreach (var cmsg in found)
            {
                Assert.False(cmsg.Data is byte[] && descriptor!.Description != "bytes", $"{levelAndType}: received payload was not decoded");
                if (row.Has("expect")) Values.AssertMatch(Tokens.Resolve(row["expect"]), cmsg.Data, levelAndType);
            }
        }
        else
        {
            Assert.True(row["noreceive"] is string { Length: > 0 },
                $"{levelAndType} ({row.Where}): give 'receive' (a scenario) or 'noreceive' (why loopback cannot deliver it)");
        }
    }

    private static void RoundTrip(ControlMessageType descriptor, object? value, string what)
    {
        if (value is "$fds")
        {
            var (r, w) = Raw.Pipe();
            try
            {
                Assert.True(descriptor.TryEncodeUcode(new List<object?> { (long)r, (long)w }, out var payload, out var error), error.Message);
                Assert.Equal(8, payload.Length);
                // Decoding takes ownership: hand it duplicates so the originals stay ours.
                var dup = new byte[8];
                BitConverter.TryWriteBytes(dup.AsSpan(0), Tmds.Linux.LibC.dup(r));
                BitConverter.TryWriteBytes(dup.AsSpan(4), Tmds.Linux.LibC.dup(w));
                Assert.True(descriptor.TryDecodeUcode(dup, out var decoded, out error), error.Message);
                using var fds = Assert.IsType<FileDescriptors>(decoded);
                Assert.Equal(2, fds.Count);
                Assert.Equal(BitConverter.ToInt32(dup, 0), (int)fds[0].DangerousGetHandle());
            }
            finally
            {
                Raw.Close(r);
                Raw.Close(w);
            }
            return;
        }
        var input = Tokens.Resolve(value);
        Assert.True(descriptor.TryEncodeUcode(input, out var bytes, out var encodeError), $"{what}: encode: {encodeError.Message}");
        Assert.True(descriptor.TryDecodeUcode(bytes, out var output, out var decodeError), $"{what}: decode: {decodeError.Message}");
        Values.AssertMatch(input, output, what);
    }
}
