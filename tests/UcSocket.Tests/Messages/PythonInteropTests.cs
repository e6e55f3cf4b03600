using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Messages;

/// <summary>
/// Descriptor passing with a peer written elsewhere: python3's socket.send_fds / socket.recv_fds, run as a child
/// process over a UNIX socket in a temp directory.
/// </summary>
public sealed class PythonInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ucsocket-py-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Script = """
        import os, socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(sys.argv[1])

        # 1. Send the write end of a pipe; whatever the library writes into it must come out here.
        r, w = os.pipe()
        socket.send_fds(s, [b"from-python"], [w])
        os.close(w)
        got = b""
        while True:
            chunk = os.read(r, 256)
            if not chunk:
                break
            got += chunk
        os.close(r)
        if got != b"written by the library":
            sys.exit("python read %r from the pipe it sent" % got)

        # 2. Receive a descriptor from the library and write through it.
        msg, fds, flags, addr = socket.recv_fds(s, 64, 4)
        if msg != b"from-library" or len(fds) != 1:
            sys.exit("python received %r with %d descriptors" % (msg, len(fds)))
        os.write(fds[0], b"written by python")
        os.close(fds[0])
        print("ok")
        """;

    [Fact]
    public async Task DescriptorsTravelBothWaysWithPython()
    {
        string path = Path.Combine(_dir, "sock");
        using var listener = Create(AF_UNIX, SOCK_STREAM)!;
        Native.Bind(listener, path);
        Native.Listen(listener);

        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script);
        psi.ArgumentList.Add(path);
        using var python = Process.Start(psi)!;
        var stdout = python.StandardOutput.ReadToEndAsync();
        var stderr = python.StandardError.ReadToEndAsync();
        try
        {
            using var conn = Native.Accept(listener, 10_000);
            Assert.True(conn.SetOpt(SockOpt.SoRcvTimeo, new Timeval(10, 0)));

            // 1. Python's descriptor: a pipe's write end.
            using (var msg = conn.RecvMsg(64, 64))
            {
                Assert.True(msg is not null, conn.Error());
                Assert.Equal("from-python", Encoding.ASCII.GetString((byte[])msg!.Data));
                var cmsg = Assert.Single(msg.Ancillary!);
                var fds = Assert.IsType<FileDescriptors>(cmsg.Data);
                int fd = Native.Fd(Assert.Single(fds));
                Assert.StartsWith("pipe:[", Support.DescriptorAccounting.Target(fd));
                Assert.True(Native.IsCloseOnExec(fd));
                Native.Write(fd, "written by the library");
            } // disposing closes our copy: python sees end of file

            // 2. The library's descriptor: the write end of a pipe of ours.
            var (r, w) = Native.Pipe();
            using (r)
            {
                using (w)
                {
                    Assert.Equal(12L, conn.SendMsg("from-library", new[] { ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(w)) }));
                }
                Assert.Equal("written by python", Native.ReadToEnd(Native.Fd(r)));
            }
            Assert.True(python.WaitForExit(10_000), "python did not finish");
            string errors = await stderr;
            Assert.True(python.ExitCode == 0, $"python failed: {errors}");
            Assert.Equal("ok", (await stdout).Trim());
        }
        finally
        {
            if (!python.HasExited) python.Kill();
        }
    }
}
