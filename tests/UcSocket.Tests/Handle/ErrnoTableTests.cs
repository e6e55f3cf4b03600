using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace UcSocket.Tests.Handle;

/// <summary>The errno table the handle tests compare against is checked against the machine's headers and libc.</summary>
public class ErrnoTableTests
{
    [Fact]
    public void TableMatchesErrnoHeaderAndStrerror()
    {
        using var dir = new TempDir();
        var source = new StringBuilder("#include <errno.h>\n#include <stdio.h>\n#include <string.h>\nint main(void) {\n");
        foreach (var (name, _, _) in Errno.Table)
            source.Append($"  printf(\"%s|%d|%s\\n\", \"{name}\", {name}, strerror({name}));\n");
        source.Append("  return 0;\n}\n");
        File.WriteAllText(dir.File("errno.c"), source.ToString());

        Run("cc", $"-o {dir.File("errno")} {dir.File("errno.c")}");
        var lines = Run(dir.File("errno"), "").Split('\n', System.StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(Errno.Table.Length, lines.Length);
        foreach (var line in lines)
        {
            var parts = line.Split('|');
            var entry = Errno.Table.Single(e => e.Name == parts[0]);
            Assert.Equal(int.Parse(parts[1]), entry.Value);
            Assert.Equal(parts[2], entry.Text);
            Assert.Equal(parts[2], Sockets.StrError(entry.Value));
        }
    }

    private static string Run(string file, string arguments)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} failed: {error}");
        return output;
    }
}
