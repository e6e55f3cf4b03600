using System;
using System.Linq;
using System.Threading;
using UcSocket.Generators.Model;
using UcSocket.Generators.Parsing;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>The generator observes the compiler's cancellation token while parsing, indexing and resolving.</summary>
public class CancellationTests
{
    private static readonly CancellationToken Cancelled = new(canceled: true);

    private static string SocketSpec => GeneratorHarness.RealSpec().Single(t => t.Path.EndsWith("socket.yaml", StringComparison.Ordinal)).GetText()!.ToString();

    [Fact]
    public void ParsingStops() =>
        Assert.ThrowsAny<OperationCanceledException>(() => SpecParser.Parse("/spec/socket.yaml", SocketSpec, Cancelled));

    [Fact]
    public void ParsingAFileDeeperThanItsFirstEventsStops()
    {
        // Past the first events the reader itself checks, not only the sections after it.
        var big = "constants:\n  FZ:\n" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"    FZ_{i}: {i}\n"));
        Assert.ThrowsAny<OperationCanceledException>(() => SpecParser.Parse("/spec/big.yaml", big, Cancelled));
    }

    [Fact]
    public void IndexingStops()
    {
        var file = SpecParser.Parse("/spec/socket.yaml", SocketSpec).File;
        Assert.ThrowsAny<OperationCanceledException>(() => IndexBuilder.Build(new[] { file }, null, Cancelled));
    }

    [Fact]
    public void ResolvingStops()
    {
        var file = SpecParser.Parse("/spec/socket.yaml", SocketSpec).File;
        var index = IndexBuilder.Build(new[] { file });
        Assert.ThrowsAny<OperationCanceledException>(() => Resolver.Resolve(file, index, Cancelled));
    }
}
