using System.IO;
using UcSocket.Testing;
using Xunit;

namespace UcSocket.Package.Tests;

/// <summary>
/// The library's public API, checked in as <c>Snapshots/PublicApiTests.UcSocket.verified.txt</c>: any change to
/// it, generated or hand-written, fails here until the snapshot is accepted (<c>UPDATE_SNAPSHOTS=1</c>), so a
/// breaking change is never an accident. Opens no sockets.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void UcSocket() =>
        SnapshotFiles.VerifyText(PublicApi.Describe(typeof(SocketHandle).Assembly), nameof(PublicApiTests) + "." + nameof(UcSocket),
            Path.Combine(RepoPaths.Root, "tests", "UcSocket.Package.Tests", "Snapshots"));
}
