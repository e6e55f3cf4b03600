using System.Globalization;
using System.Linq;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>
/// The generated code does not depend on the culture the compiler runs in: under cultures whose minus sign is not
/// ASCII (fi-FI writes U+2212, ar-SA a letter mark before it), the output is byte for byte the reviewed snapshots.
/// </summary>
public class CultureTests
{
    [Theory]
    [InlineData("fi-FI")]
    [InlineData("ar-SA")]
    public void GeneratedCodeIsTheSameUnderAnyCulture(string name)
    {
        var culture = new CultureInfo(name);
        // Otherwise the test proves nothing: the culture must format -1 differently from C#.
        Assert.NotEqual("-1", (-1).ToString(culture));
        var (saved, savedUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
            var real = GeneratorHarness.Run(GeneratorHarness.RealSpec(), "UcSocket");
            var kinds = GeneratorHarness.Run(new[] { GeneratorHarness.Text("kinds.yaml", SnapshotTests.EveryKindSpec) }, "Spec.EveryKind");

            Assert.Empty(real.Diagnostics);
            Snapshot.Verify(real, "SnapshotTests.RealSpec", Snapshot.Directory, update: false);
            Snapshot.Verify(kinds, "SnapshotTests.EveryKind", Snapshot.Directory, update: false);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (saved, savedUi);
        }
    }

    [Theory]
    [InlineData("fi-FI")]
    [InlineData("ar-SA")]
    public void DiagnosticNumbersAreInvariant(string name)
    {
        var (saved, savedUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(name);
            var run = GeneratorHarness.Run("c.yaml", "constants:\n  SOL:\n    SOL_X: -4294967296\n  X:\n    X_A: 1\noptions:\n  - { level: SOL_X, name: X_A, type: int }\n");

            var d = Assert.Single(run.Diagnostics);
            Assert.Contains("-4294967296", d.GetMessage(CultureInfo.CurrentCulture));
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (saved, savedUi);
        }
    }
}
