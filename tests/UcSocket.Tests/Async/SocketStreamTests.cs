using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Tests.Messages;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;
using static UcSocket.Tests.Errno;

namespace UcSocket.Tests.Async;

/// <summary>SocketStream: sync and async reads and writes, SslStream and System.IO.Pipelines on top, errors and ownership.</summary>
[Collection(DescriptorAccountingCollection.Name)]
public class SocketStreamTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public Task SslStreamHandshakesAndEchoesOverLoopback() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        using var certificate = SelfSignedCertificate();
        var (client, server) = await TcpPairAsync();
        await using var serverTls = new SslStream(new SocketStream(server, ownsHandle: true));
        await using var clientTls = new SslStream(new SocketStream(client, ownsHandle: true));
        string expected = certificate.GetCertHashString();
        var serverSide = serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
        await clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == expected,
        }).WaitAsync(Patience);
        await serverSide.WaitAsync(Patience);
        Assert.True(clientTls.IsAuthenticated && clientTls.IsEncrypted);
        Assert.True(serverTls.SslProtocol is SslProtocols.Tls12 or SslProtocols.Tls13);

        // More than the socket buffers hold, so that writes wait for the reader (the echo runs concurrently).
        var message = RandomBytes(1 << 20, seed: 1);
        var echo = Task.Run(async () =>
        {
            var buffer = new byte[16384];
            int total = 0;
            while (total < message.Length)
            {
                int n = await serverTls.ReadAsync(buffer);
                Assert.NotEqual(0, n);
                await serverTls.WriteAsync(buffer.AsMemory(0, n));
                total += n;
            }
        });
        var writing = clientTls.WriteAsync(message).AsTask();
        var received = new byte[message.Length];
        await clientTls.ReadExactlyAsync(received).AsTask().WaitAsync(Patience);
        await Task.WhenAll(writing, echo).WaitAsync(Patience);
        Assert.True(message.AsSpan().SequenceEqual(received));

        // A TLS close_notify, then the end of the stream on the other side.
        await clientTls.ShutdownAsync();
        Assert.Equal(0, await serverTls.ReadAsync(new byte[8]).AsTask().WaitAsync(Patience));
    });

    [Fact]
    public Task PipeReaderAndPipeWriterCarryEveryByte() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        var (client, server) = await TcpPairAsync();
        using (client)
        using (server)
        {
            var message = RandomBytes(300_000, seed: 2);
            var writer = PipeWriter.Create(client.GetStream());
            var reader = PipeReader.Create(server.GetStream());
            var writing = Task.Run(async () =>
            {
                for (int offset = 0; offset < message.Length; offset += 7000)
                {
                    var chunk = message.AsMemory(offset, Math.Min(7000, message.Length - offset));
                    chunk.CopyTo(writer.GetMemory(chunk.Length));
                    writer.Advance(chunk.Length);
                    await writer.FlushAsync();
                }
                await writer.CompleteAsync(); // disposes the stream, which does not own the handle
                Assert.False(client.IsClosed);
                Assert.True(client.Shutdown(SHUT_WR)); // the end of the stream for the reader
            });

            var received = new ArrayBufferWriter<byte>();
            while (true)
            {
                var result = await reader.ReadAsync().AsTask().WaitAsync(Patience);
                foreach (var segment in result.Buffer) received.Write(segment.Span);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
            await reader.CompleteAsync();
            await writing.WaitAsync(Patience);
            Assert.True(message.AsSpan().SequenceEqual(received.WrittenSpan));
            Assert.False(server.IsClosed);
        }
    });

    [Fact]
    public Task SynchronousCallsAndStreamMembers() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        var (client, server) = await TcpPairAsync();
        using var clientStream = new SocketStream(client, ownsHandle: true);
        using var serverStream = server.GetStream();
        using (server)
        {
            Assert.Same(client, clientStream.Handle);
            Assert.True(clientStream.OwnsHandle);
            Assert.False(serverStream.OwnsHandle);
            Assert.True(clientStream.CanRead && clientStream.CanWrite);
            Assert.False(clientStream.CanSeek);
            Assert.False(clientStream.CanTimeout);
            Assert.Throws<NotSupportedException>(() => clientStream.Length);
            Assert.Throws<NotSupportedException>(() => clientStream.Position);
            Assert.Throws<NotSupportedException>(() => clientStream.Position = 0);
            Assert.Throws<NotSupportedException>(() => clientStream.Seek(0, SeekOrigin.Begin));
            Assert.Throws<NotSupportedException>(() => clientStream.SetLength(0));

            clientStream.Write("hello"u8);
            clientStream.WriteByte((byte)'!');
            clientStream.Flush();
            await clientStream.FlushAsync();
            var buffer = new byte[16];
            Assert.Equal(6, serverStream.ReadAtLeast(buffer, 6));
            Assert.Equal("hello!"u8.ToArray(), buffer[..6]);
            serverStream.Write(new byte[] { 0, 1, 2, 3 }, 1, 2);
            Assert.Equal(1, clientStream.ReadByte());
            Assert.Equal(1, clientStream.Read(buffer, 3, 5));
            Assert.Equal(2, buffer[3]);
            Assert.ThrowsAny<ArgumentException>(() => clientStream.Read(buffer, 10, 10));

            // APM, over the async calls.
            var written = clientStream.BeginWrite(new byte[] { 9, 8 }, 0, 2, null, null);
            clientStream.EndWrite(written);
            Assert.Equal(2, serverStream.EndRead(serverStream.BeginRead(buffer, 0, 16, null, null)));
            Assert.Equal(new byte[] { 9, 8 }, buffer[..2]);

            // The end of the stream.
            Assert.True(server.Shutdown(SHUT_WR));
            Assert.Equal(0, clientStream.Read(buffer));
            Assert.Equal(-1, clientStream.ReadByte());
            Assert.Equal(0, await clientStream.ReadAsync(buffer));
        }
        clientStream.Dispose();
        Assert.True(client.IsClosed); // owned: closed with the stream
        Assert.False(clientStream.CanRead || clientStream.CanWrite);
        Assert.Throws<ObjectDisposedException>(() => clientStream.Read(new byte[1]));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => clientStream.ReadAsync(new byte[1]).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => clientStream.WriteAsync(new byte[1]).AsTask());
    });

    [Fact]
    public Task AStreamThatDoesNotOwnItsHandleLeavesItOpen() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        var (client, server) = await TcpPairAsync();
        using (client)
        using (server)
        {
            var stream = client.GetStream();
            await stream.WriteAsync("one"u8.ToArray());
            await stream.DisposeAsync();
            Assert.False(client.IsClosed);
            Assert.Equal(3L, client.Send("two"u8));
            Assert.Equal("onetwo"u8.ToArray(), await ReadExactlyAsync(server.GetStream(), 6));
        }
    });

    [Fact]
    public Task ZeroByteReadsWaitForDataWithoutTakingIt() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        var (client, server) = await TcpPairAsync();
        using (client)
        using (server)
        {
            var stream = server.GetStream();
            var waiting = stream.ReadAsync(Memory<byte>.Empty).AsTask();
            await Task.Delay(50);
            Assert.False(waiting.IsCompleted);
            Assert.Equal(3L, client.Send("abc"u8));
            Assert.Equal(0, await waiting.WaitAsync(Patience));
            Assert.Equal("abc"u8.ToArray(), await ReadExactlyAsync(stream, 3));
        }
    });

    [Fact]
    public Task SocketErrorsAreIOExceptionsAroundTheSocketError() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        foreach (bool async in new[] { false, true })
        {
            var (client, server) = await TcpPairAsync();
            using var stream = new SocketStream(client, ownsHandle: true);
            // An abortive close (SO_LINGER 0) sends a reset.
            Assert.True(server.SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 0)));
            server.Dispose();
            await Task.Delay(20);
            var error = async
                ? await Assert.ThrowsAsync<IOException>(() => stream.ReadAsync(new byte[8]).AsTask())
                : Assert.Throws<IOException>(() => stream.Read(new byte[8]));
            var inner = Assert.IsType<UcSocketException>(error.InnerException);
            Assert.Equal(ECONNRESET, inner.Code);
            Assert.Equal("recv(): Connection reset by peer", inner.Message);
            Assert.Equal("Unable to read from the socket: recv(): Connection reset by peer", error.Message);

            // The connection is gone: a write fails too (EPIPE, as the reset was reported).
            var writeError = async
                ? await Assert.ThrowsAsync<IOException>(() => stream.WriteAsync(new byte[8]).AsTask())
                : Assert.Throws<IOException>(() => stream.Write(new byte[8]));
            Assert.StartsWith("Unable to write to the socket: send(): ", writeError.Message);
            Assert.IsType<UcSocketException>(writeError.InnerException);
        }
    });

    [Fact]
    public Task AClosedHandleIsObjectDisposedAndACloseDuringAReadIsAnIOException() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        var (client, server) = await TcpPairAsync();
        using (server)
        {
            var stream = client.GetStream();
            var pending = stream.ReadAsync(new byte[8]).AsTask();
            var pendingSync = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var started = new ManualResetEventSlim();
            var reader = new Thread(() =>
            {
                started.Set();
                try
                {
                    pendingSync.SetResult(stream.Read(new byte[8]));
                }
                catch (Exception e)
                {
                    pendingSync.SetException(e);
                }
            });
            reader.Start();
            Assert.True(started.Wait(Patience));
            await Task.Delay(100); // into its recv
            client.Dispose();
            var duringAsync = await Assert.ThrowsAsync<IOException>(() => pending.WaitAsync(Patience));
            Assert.Equal(ECANCELED, Assert.IsType<UcSocketException>(duringAsync.InnerException).Code);
            var duringSync = await Assert.ThrowsAsync<IOException>(() => pendingSync.Task.WaitAsync(Patience));
            Assert.Equal(ECANCELED, Assert.IsType<UcSocketException>(duringSync.InnerException).Code);

            // Closed before the call.
            Assert.Throws<ObjectDisposedException>(() => stream.Read(new byte[8]));
            Assert.Throws<ObjectDisposedException>(() => stream.Write(new byte[8]));
            await Assert.ThrowsAsync<ObjectDisposedException>(() => stream.ReadAsync(new byte[8]).AsTask());
            await Assert.ThrowsAsync<ObjectDisposedException>(() => stream.WriteAsync(new byte[8]).AsTask());
            Assert.Throws<ObjectDisposedException>(() => new SocketStream(client, ownsHandle: false));
        }
    });

    [Fact]
    public Task CancellingAReadLeavesTheStreamUsable() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        var (client, server) = await TcpPairAsync();
        using (client)
        using (server)
        {
            var stream = server.GetStream();
            using (var cts = new CancellationTokenSource())
            {
                var reading = stream.ReadAsync(new byte[8], cts.Token).AsTask();
                cts.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(Patience));
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.ReadAsync(new byte[8], cts.Token).AsTask());
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.WriteAsync(new byte[8], cts.Token).AsTask());
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.FlushAsync(cts.Token));
            }
            Assert.Equal(2L, client.Send("ok"u8));
            Assert.Equal("ok"u8.ToArray(), await ReadExactlyAsync(stream, 2));
        }
    });

    [Fact]
    public void OnlyStreamSocketsMakeStreams()
    {
        DescriptorAccounting.AssertNoLeak(warmUp: true, action: () =>
        {
            using var udp = Create(AF_INET, SOCK_DGRAM)!;
            var error = Assert.Throws<ArgumentException>(() => udp.GetStream());
            Assert.Equal("handle", error.ParamName);
            var (a, b) = Pair(SOCK_SEQPACKET)!;
            using (a)
            using (b)
            {
                Assert.Throws<ArgumentException>(() => new SocketStream(a, ownsHandle: true));
                Assert.False(a.IsClosed);
            }
            Assert.Throws<ArgumentNullException>(() => new SocketStream(null!, ownsHandle: false));

            // A UNIX stream pair is a stream socket too.
            var (c, d) = Pair(SOCK_STREAM)!;
            using var left = new SocketStream(c, ownsHandle: true);
            using var right = new SocketStream(d, ownsHandle: true);
            left.Write("unix"u8);
            var buffer = new byte[4];
            right.ReadExactly(buffer);
            Assert.Equal("unix"u8.ToArray(), buffer);
        });
    }

    /// <summary>A connected loopback TCP pair (client, server), made with the async calls.</summary>
    internal static async Task<(SocketHandle Client, SocketHandle Server)> TcpPairAsync()
    {
        using var listener = Listen("127.0.0.1", 0)!;
        var accepting = listener.AcceptAsync();
        var client = await ConnectAsync(listener.SockName()!).AsTask().WaitAsync(Patience);
        var server = await accepting.AsTask().WaitAsync(Patience);
        return (client, server);
    }

    internal static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int length)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Patience);
        return buffer;
    }

    /// <summary>A self-signed server certificate for localhost, with its private key, made for the test.</summary>
    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }
}
