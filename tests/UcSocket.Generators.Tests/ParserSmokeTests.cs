using UcSocket.Generators.Parsing;
using Xunit;

namespace UcSocket.Generators.Tests;

public class ParserSmokeTests
{
    [Fact]
    public void ParsesAConstant()
    {
        var file = SpecParser.Parse("/x/a.yaml", "constants:\n  AF:\n    AF_INET: 2\n");
        Assert.Empty(file.Diagnostics);
        Assert.Equal(2, Assert.Single(file.Constants).Value);
    }
}
