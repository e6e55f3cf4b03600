using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using Tmds.Linux;
using UcSocket.Tests.Matrix;
using UcSocket.Tests.Messages;
using Xunit;
using MessageNative = UcSocket.Tests.Messages.Native;
using static UcSocket.Sockets;
using static UcSocket.Tests.Fuzz.AddressChecks;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Property-based tests of the control-message encoder and decoder, over a UNIX socket pair of the test's own:
/// SendMsg with random ancillary data (lists of ControlMessage objects and ucode dictionaries, raw and mutated
/// control buffers) never throws, reports clean errors, and delivers what it was given; every receive path (the
/// allocating RecvMsg and the ControlBuffer one, with control buffers of every size so that the kernel cuts
/// messages) never throws, owns every descriptor that arrives and never invents a value; the ControlBuffer walking
/// API gives back exactly what was added; and no public decoder turns caller bytes into descriptors it closes.
/// Each run ends by checking that no descriptor is left open without a GC.
/// </summary>
[Collection(Support.DescriptorAccountingCollection.Name)]
public class ControlMessageFuzzTests
{
    private static readonly int EFAULT = ErrnoNames.Value("EFAULT"), EBADF = ErrnoNames.Value("EBADF"), ENOBUFS = ErrnoNames.Value("ENOBUFS"),
        EOPNOTSUPP = ErrnoNames.Value("EOPNOTSUPP");

    // ---- SendMsg (the encoder) ----

    [Fact]
    public void SendMsgEncodesWhatItIsGiven()
    {
        using var rig = new CmsgRig();
        FuzzRun.Check("cmsg.sendmsg", 2000, CmsgValues.Send(rig), send => CheckSend(rig, send));
        rig.Finish();
    }

    private static void CheckSend(CmsgRig rig, GeneratedSend send)
    {
        long? sent = rig.A.SendMsg(send.Data, send.Ancillary, null, MSG_DONTWAIT);
        if (sent is null)
        {
            var code = Assert.IsType<int>(Error(true));
            string message = Error()!;
            Expect.That(code != EFAULT, () => $"SendMsg({send}) handed the kernel a bad pointer or length: {message}");
            if (message.StartsWith("sendmsg():", StringComparison.Ordinal)) FuzzStats.Note("refused by the kernel");
            else
            {
                FuzzStats.Note("refused");
                Expect.That(code == ErrorInfo.EINVAL || code == EBADF || code == ENOBUFS || code == AddressChecks.ERANGE,
                    () => $"SendMsg({send}) refused with code {code}: {message}");
                Expect.That(message.Length > 2 && !message.StartsWith(':'), () => $"SendMsg({send}) refused without a message");
            }
            Expect.That(rig.B.Recv(65536, MSG_DONTWAIT) is null, () => $"SendMsg({send}) failed, yet a message arrived");
            return;
        }
        FuzzStats.Note("sent");
        using var received = rig.B.RecvMsg(65536, 8192, MSG_DONTWAIT);
        Expect.That(received is not null, () => $"SendMsg({send}) returned {sent}, but nothing arrived: {Error()}");
        Expect.That(received!.Length == sent, () => $"SendMsg({send}) returned {sent}, {received.Length} bytes arrived");
        if (CmsgValues.ExpectedData(send.Data) is { } data)
            Expect.That(((byte[])received.Data).AsSpan().SequenceEqual(data), () => $"SendMsg({send}) delivered {Show(received.Data)}");
        Expect.That(!received.IsControlTruncated, () => $"8192 bytes of control data did not hold what SendMsg({send}) sent");

        var ancillary = received.Ancillary!;
        var rights = ancillary.Where(m => m.Level == SOL_SOCKET && m.Type == SCM_RIGHTS).ToList();
        CheckOwned(rights, send);
        var credentials = ancillary.Where(m => m.Level == SOL_SOCKET && m.Type == SCM_CREDENTIALS).ToList();
        Expect.That(credentials.Count == 1, () => $"SendMsg({send}): {credentials.Count} SCM_CREDENTIALS arrived with SO_PASSCRED on");
        Expect.That(credentials[0].TryGetData(Cmsg.ScmCredentials, out var creds), () => $"SendMsg({send}): SCM_CREDENTIALS arrived as {credentials[0]}");

        if (send.Items is { } items && items.All(i => i.Expected is not null))
        {
            // Several SCM_RIGHTS items arrive as one list; the last SCM_CREDENTIALS item is the one the kernel keeps.
            int expectedFds = items.Sum(i => i.Expected!.Descriptors ?? 0);
            int receivedFds = rights.Sum(m => ((FileDescriptors)m.Data!).Count);
            Expect.That(receivedFds == expectedFds, () => $"SendMsg({send}) sent {expectedFds} descriptors, {receivedFds} arrived");
            var sentCreds = items.Where(i => i.Expected!.Type == SCM_CREDENTIALS && i.Expected.Level == SOL_SOCKET).Select(i => i.Expected!.Credentials).LastOrDefault(rig.Own);
            if (sentCreds is { } expected)
                Expect.That(creds == expected, () => $"SendMsg({send}) sent credentials {expected}, {creds} arrived");
            FuzzStats.Note("delivery checked");
        }
        foreach (var m in rights)
            foreach (var h in (FileDescriptors)m.Data!)
                if (received.Take(h)) h.Dispose(); // some taken and closed here, the rest closed by Dispose
    }

    /// <summary>Every received descriptor is an owned, open, close-on-exec handle.</summary>
    private static void CheckOwned(IEnumerable<ControlMessage> rights, object context)
    {
        foreach (var m in rights)
        {
            Expect.That(m.Data is FileDescriptors { IsOwned: true }, () => $"{context}: SCM_RIGHTS arrived as {Show(m.Data)}, not as owned descriptors");
            foreach (var h in (FileDescriptors)m.Data!)
                Expect.That(!h.IsInvalid && !h.IsClosed && MessageNative.IsCloseOnExec((int)h.DangerousGetHandle()), () => $"{context}: a received descriptor is closed, invalid or not close-on-exec");
        }
    }

    // ---- the receive paths (the decoder) ----

    /// <summary>What a receive case sends and how it receives it.</summary>
    internal sealed record ReceiveCase(int Descriptors, bool Credentials, int DataSize, int ReceiveSize, int ControlSize, int Path, bool Take)
    {
        public override string ToString() =>
            $"{Descriptors} descriptors, credentials {(Credentials ? "sent" : "not sent")}, {DataSize} bytes into {ReceiveSize}, control {ControlSize} bytes, " +
            Path switch { 0 => "RecvMsg(sizes)", 1 => "RecvMsg(span, new ControlBuffer)", 2 => "RecvMsg(span, reused ControlBuffer)", _ => "RecvMmsg(DatagramBatch)" }
            + (Take ? ", descriptors taken" : "");
    }

    private static Gen<ReceiveCase> ReceiveCases { get; } =
        from descriptors in Gen.Choose(0, 6)
        from credentials in Gen.Elements(true, false)
        from dataSize in Gen.Choose(0, 40)
        from receiveSize in Gen.Choose(0, 48)
        from controlSize in Gen.Frequency((3, Gen.Choose(0, 80)), (2, Gen.Choose(80, 200)), (1, Gen.Elements(0, 1, 15, 16, 17, 20, 24, 28, 32, 36, 40, 48, 56, 64)))
        from path in Gen.Choose(0, 3)
        from take in Gen.Elements(true, false)
        select new ReceiveCase(descriptors, credentials, dataSize, receiveSize, controlSize, path, take);

    [Fact]
    public void ReceivePathsOwnEveryDescriptorAndInventNothing()
    {
        using var rig = new CmsgRig();
        using var reused = new ControlBuffer(96);
        FuzzRun.Check("cmsg.receive", 2000, ReceiveCases, c => CheckReceive(rig, reused, c));
        reused.Clear();
        rig.Finish();
    }

    private static void CheckReceive(CmsgRig rig, ControlBuffer reused, ReceiveCase c)
    {
        var items = new List<ControlMessage>();
        if (c.Descriptors > 0) items.Add(ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(Enumerable.Range(0, c.Descriptors).Select(i => (SafeHandle)rig.Pipes[i % rig.Pipes.Length]).ToArray())));
        if (c.Credentials) items.Add(ControlMessage.Create(Cmsg.ScmCredentials, rig.Own));
        var payload = new byte[c.DataSize];
        Random.Shared.NextBytes(payload);
        Assert.Equal(c.DataSize, rig.A.SendMsg(payload, items, null, MSG_DONTWAIT));

        if (c.Path == 0) ReceiveAllocating(rig, c, payload);
        else if (c.Path == 1)
        {
            using var control = new ControlBuffer(c.ControlSize);
            ReceiveInPlace(rig, control, c, payload);
        }
        else if (c.Path == 2) ReceiveInPlace(rig, reused, c, payload); // descriptors not taken are closed by the next receive into it
        else ReceiveBatch(rig, c, payload);
        FuzzStats.Note(c.Path switch { 0 => "allocating", 3 => "batch", _ => "in place" });
    }

    private static void ReceiveAllocating(CmsgRig rig, ReceiveCase c, byte[] payload)
    {
        using var m = rig.B.RecvMsg(c.ReceiveSize, c.ControlSize, MSG_DONTWAIT);
        Expect.That(m is not null, () => $"{c}: {Error()}");
        Expect.That(((byte[])m!.Data).AsSpan().SequenceEqual(payload.AsSpan(0, Math.Min(c.ReceiveSize, c.DataSize))), () => $"{c}: data differs");
        Expect.That(m.IsTruncated == (c.ReceiveSize < c.DataSize), () => $"{c}: MSG_TRUNC is {m.IsTruncated}");
        if (c.ControlSize == 0)
        {
            Expect.That(m.Ancillary is null, () => $"{c}: ancillary data without a control buffer");
            return;
        }
        if (m.IsControlTruncated) FuzzStats.Note("control cut");
        var rights = m.Ancillary!.Where(x => x.Level == SOL_SOCKET && x.Type == SCM_RIGHTS).ToList();
        CheckOwned(rights, c);
        int fds = rights.Sum(x => ((FileDescriptors)x.Data!).Count);
        Expect.That(m.IsControlTruncated ? fds <= c.Descriptors : fds == c.Descriptors, () => $"{c}: {fds} descriptors arrived");
        foreach (var creds in m.Ancillary!.Where(x => x.Level == SOL_SOCKET && x.Type == SCM_CREDENTIALS))
        {
            // A message the kernel cut comes back as raw bytes; a decoded value is always the whole one.
            if (creds.Data is byte[]) { Expect.That(m.IsControlTruncated, () => $"{c}: whole credentials came back raw"); continue; }
            Expect.That(creds.TryGetData(Cmsg.ScmCredentials, out var u) && u == rig.Own, () => $"{c}: credentials arrived as {creds}");
        }
        if (!m.IsControlTruncated)
            Expect.That(m.Ancillary!.Count(x => x.Level == SOL_SOCKET && x.Type == SCM_CREDENTIALS) == 1, () => $"{c}: no credentials with SO_PASSCRED on");
        if (c.Take)
            foreach (var h in m.TakeFileDescriptors()) h.Dispose();
    }

    private static void ReceiveInPlace(CmsgRig rig, ControlBuffer control, ReceiveCase c, byte[] payload)
    {
        var data = new byte[c.ReceiveSize];
        var r = rig.B.RecvMsg(data, control, null, MSG_DONTWAIT);
        Expect.That(r is not null, () => $"{c}: {Error()}");
        Expect.That(data.AsSpan(0, (int)Math.Min(r!.Value.Length, c.ReceiveSize)).SequenceEqual(payload.AsSpan(0, Math.Min(c.ReceiveSize, c.DataSize))), () => $"{c}: data differs");
        CheckControlInPlace(rig, control, c, r.Value.IsControlTruncated);
        if (c.Path == 1) control.Clear();
    }

    private static void ReceiveBatch(CmsgRig rig, ReceiveCase c, byte[] payload)
    {
        var batch = new DatagramBatch(1, c.ReceiveSize, c.ControlSize);
        var n = rig.B.RecvMmsg(batch, MSG_DONTWAIT);
        Expect.That(n == 1, () => $"{c}: RecvMmsg gave {n}: {Error()}");
        Expect.That(batch.GetData(0).SequenceEqual(payload.AsSpan(0, Math.Min(c.ReceiveSize, c.DataSize))), () => $"{c}: data differs");
        bool cut = (batch.GetFlags(0) & MSG_CTRUNC) != 0;
        if (c.ControlSize > 0) CheckControlInPlace(rig, batch.GetControl(0), c, cut);
        else Expect.That(c.Descriptors == 0 || cut, () => $"{c}: descriptors without a control buffer, and no MSG_CTRUNC");
        batch.ClearControls();
    }

    /// <summary>A control buffer the kernel just filled: walked, decoded with every registered type, descriptors owned and counted.</summary>
    private static void CheckControlInPlace(CmsgRig rig, ControlBuffer control, ReceiveCase c, bool cut)
    {
        Expect.That(control.Length <= control.Capacity, () => $"{c}: Length {control.Length} beyond Capacity {control.Capacity}");
        if (cut) FuzzStats.Note("control cut");

        int fds = 0, messages = 0;
        foreach (var m in control)
        {
            messages++;
            int payloadLength = m.Payload.Length;
            Expect.That(payloadLength <= control.Length, () => $"{c}: a payload of {payloadLength} bytes in {control.Length}");
            foreach (var type in TypedCmsg.All) type.TryGet(m); // no registered type may throw on what the kernel wrote
            if (m.Is(Cmsg.ScmRights))
            {
                Expect.That(m.TryGet(Cmsg.ScmRights, out var owned) && owned.IsOwned, () => $"{c}: SCM_RIGHTS in place is not owned");
                fds += owned!.Count;
            }
            // A message the kernel cut short must not decode as a value padded with zeros.
            if (m.Is(Cmsg.ScmCredentials) && m.TryGet(Cmsg.ScmCredentials, out var u))
                Expect.That(u == rig.Own, () => $"{c}: credentials read in place as {u}");
        }
        Expect.That(cut ? fds <= c.Descriptors : fds == c.Descriptors, () => $"{c}: {fds} descriptors arrived in {messages} messages");
        if (control.TryGet(Cmsg.ScmCredentials, out var first))
            Expect.That(first == rig.Own, () => $"{c}: TryGet gives credentials {first}");
        if (c.Take)
        {
            var taken = control.TakeFileDescriptors();
            Expect.That(taken.Count == fds, () => $"{c}: took {taken.Count} of {fds} descriptors");
            foreach (var h in taken) h.Dispose();
        }
    }

    // ---- the ControlBuffer walking API, without sockets ----

    /// <summary>One step of building a control buffer.</summary>
    internal sealed record AddStep(int Kind, int Level, int Type, byte[] Payload, TypedCmsg? Typed, object? Value)
    {
        public override string ToString() => Kind switch
        {
            0 => $"TryAdd({Level}, {Type}, {Show(Payload)})",
            1 => $"TryAddValue<int>({Level}, {Type})",
            _ => $"TryAdd({Typed?.Type.Name}, {Show(Value)})",
        };
    }

    private static Gen<AddStep> AddSteps(DescriptorGuard guard) => Gen.Frequency(
        (4, Gen.Zip(CmsgValues.LevelAndType, Gen.Frequency((3, UcodeValues.Bytes(40)), (1, guard.HarmlessPayload)))
            .Select(t => new AddStep(0, t.Item1.Level, t.Item1.Type, t.Item2, null, null))),
        (1, CmsgValues.LevelAndType.Select(lt => new AddStep(1, lt.Level, lt.Type, BitConverter.GetBytes(lt.Level ^ lt.Type), null, null))),
        (3, Gen.Elements(TypedCmsg.All.ToArray()).SelectMany(t => CmsgValues.Payload(t).Select(v => new AddStep(2, t.Type.Level, t.Type.Type, Array.Empty<byte>(), t, v)))));

    [Fact]
    public void ControlBufferGivesBackWhatWasAdded()
    {
        using var guard = new DescriptorGuard();
        FuzzRun.Check("cmsg.controlbuffer", 3000,
            Gen.Zip(Gen.Frequency((3, Gen.Choose(0, 200)), (1, Gen.Choose(200, 600))), Gen.Choose(0, 8).SelectMany(n => Gen.ListOf(AddSteps(guard), n))),
            t => CheckControlBuffer(t.Item1, t.Item2.ToList()));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        guard.CheckCanaries();
    }

    private static void CheckControlBuffer(int capacity, List<AddStep> steps)
    {
        using var buffer = new ControlBuffer(capacity);
        var model = new List<(int Level, int Type, byte[] Payload)>();
        int length = 0;
        foreach (var step in steps)
        {
            byte[] payload = step.Payload;
            bool added;
            int before = buffer.Length;
            if (step.Kind == 2)
            {
                if (step.Typed!.FromUcode(step.Value) is not { } typed) continue;
                added = step.Typed.TryAdd(buffer, typed);
                // A refused value must leave the buffer as it was.
                if (!added)
                    Expect.That(buffer.Length == before, () => $"{step} was refused ({Sockets.Error()}) but the buffer grew from {before} to {buffer.Length}");
                if (step.Typed.CarriesDescriptors)
                {
                    Expect.That(!added, () => $"{step}: descriptors were added to a ControlBuffer");
                    continue;
                }
                if (!added && Sockets.Error(true) is int code && code != ENOBUFS)
                {
                    FuzzStats.Note("typed value refused");
                    continue;
                }
                // What TryAdd reserves: the codec's size (the bytes are compared below, when it was added).
                payload = step.Typed.Encode(typed) is { } encoded && encoded.Length == step.Typed.Size(typed) ? encoded : new byte[step.Typed.Size(typed)];
            }
            else if (step.Kind == 1) added = buffer.TryAddValue(step.Level, step.Type, BitConverter.ToInt32(payload));
            else added = buffer.TryAdd(step.Level, step.Type, payload);

            // cmsg(3) on LP64: each message takes CMSG_SPACE(n) = 16 + align8(n) bytes.
            int space = 16 + (payload.Length + 7) / 8 * 8;
            bool fits = length + space <= capacity;
            Expect.That(added == fits, () => $"{step} into {capacity} bytes holding {length}: added {added}, fits {fits}");
            if (!added)
            {
                Expect.That(Sockets.Error(true) is int code && code == ENOBUFS, () => $"{step}: refused with {Sockets.Error()}");
                Expect.That(buffer.Length == before, () => $"{step} was refused but the buffer grew from {before} to {buffer.Length}");
                continue;
            }
            model.Add((step.Level, step.Type, payload));
            length += space;
        }
        FuzzStats.Note(model.Count == 0 ? "empty" : "messages");
        Expect.That(buffer.Length == length, () => $"Length {buffer.Length}, expected {length} after {Show(steps)}");
        Expect.That(buffer.AsSpan().SequenceEqual(CmsgValues.Layout(model)), () => $"bytes differ from cmsg(3)'s layout after {Show(steps)}");

        int i = 0;
        foreach (var m in buffer)
        {
            var (level, type, payload) = (m.Level, m.Type, m.Payload.ToArray());
            Expect.That(i < model.Count && level == model[i].Level && type == model[i].Type && payload.AsSpan().SequenceEqual(model[i].Payload),
                () => $"message {i} walks as ({level}, {type}, {Show(payload)}) after {Show(steps)}");
            foreach (var typed in TypedCmsg.All)
            {
                var value = typed.TryGet(m);
                if (typed.CarriesDescriptors)
                    Expect.That(value is null, () => $"{typed.Type.Name} read descriptors from a buffer nothing was received into: {Show(payload)}");
                else if (value is not null && m.Is(typed.Type))
                    Expect.That(typed.Decode(payload) is { } decoded && typed.Encode(value)!.AsSpan().SequenceEqual(typed.Encode(decoded)),
                        () => $"{typed.Type.Name}: in place {Show(value)}, decoded {Show(typed.Decode(payload))}");
            }
            i++;
        }
        Expect.That(i == model.Count, () => $"{i} messages walked, {model.Count} added");
        foreach (var (level, type, payload) in model.DistinctBy(x => (x.Level, x.Type)))
        {
            Expect.That(buffer.TryFind(level, type, out var found) && found.SequenceEqual(payload), () => $"TryFind({level}, {type}) after {Show(steps)}");
            bool hasInt = buffer.TryGetValue(level, type, out int v);
            Expect.That(hasInt == (payload.Length == 4) && (!hasInt || v == BitConverter.ToInt32(payload)), () => $"TryGetValue<int>({level}, {type}) after {Show(steps)}");
        }
        Expect.That(buffer.TakeFileDescriptors().Count == 0, () => "descriptors taken from a buffer nothing was received into");
    }

    [Fact]
    public void SpaceForIsCmsgSpace() => FuzzRun.Check("cmsg.spacefor", 3000,
        Gen.Frequency((3, Gen.Choose(0, 4096)), (1, Gen.Choose(int.MinValue, int.MaxValue)), (1, Gen.Choose(int.MaxValue - 64, int.MaxValue))),
        n =>
        {
            int space;
            try
            {
                space = ControlBuffer.SpaceFor(n);
            }
            catch (ArgumentOutOfRangeException)
            {
                FuzzStats.Note("refused");
                return; // documented for a negative length; a clear error for one too large as well
            }
            Expect.That(n >= 0, () => $"SpaceFor({n}) = {space} for a negative length");
            // CMSG_SPACE(n) on LP64: 16 + align8(n), computed wide.
            long expected = 16 + ((long)n + 7) / 8 * 8;
            Expect.That(space == expected, () => $"SpaceFor({n}) = {space}, CMSG_SPACE is {expected}");
            FuzzStats.Note("computed");
        });

    // ---- public decoders of caller bytes ----

    [Fact]
    public void PublicDecodersNeverOwnCallerBytes()
    {
        using var guard = new DescriptorGuard();
        var options = SpecRegistry.Options.Where(o => o.CanGet).ToArray();
        var cases = Gen.Frequency(
            (3, Gen.Elements(TypedCmsg.All.ToArray()).SelectMany(t =>
                (t.CarriesDescriptors ? guard.HarmlessPayload : UcodeValues.Bytes(Math.Max(8, t.Type.Description.Length) + 40)).Select(p => ((object)t, p)))),
            (2, Gen.Elements(options).SelectMany(o =>
                (o.GetDescription!.Contains("file descriptors", StringComparison.Ordinal) ? guard.HarmlessPayload : UcodeValues.Bytes(o.ReadBufferSize + 8)).Select(p => ((object)o, p)))));
        FuzzRun.Check("cmsg.decode", 4000, cases, t => CheckDecoders(t.Item1, t.Item2));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        guard.CheckCanaries();
    }

    private static void CheckDecoders(object target, byte[] payload)
    {
        int owned = 0;
        string name;
        if (target is TypedCmsg type)
        {
            name = type.Type.Name;
            type.Type.TryDecodeUcode(payload, out var ucode, out var error);
            owned += DescriptorGuard.DisarmOwned(ucode);
            owned += DescriptorGuard.DisarmOwned(type.Decode(payload));
            owned += DescriptorGuard.DisarmOwned(type.GetData(new ControlMessage(type.Type.Level, type.Type.Type, payload)));
            using (var buffer = new ControlBuffer(ControlBuffer.SpaceFor(payload.Length)))
            {
                Assert.True(buffer.TryAdd(type.Type.Level, type.Type.Type, payload));
                owned += DescriptorGuard.DisarmOwned(type.TryGet(buffer));
            }
        }
        else
        {
            var option = (SocketOption)target;
            name = option.Name;
            if (option.TryDecodeUcode(payload, out var ucode, out var error))
                owned += DescriptorGuard.DisarmOwned(ucode);
            else
                Expect.That(error.Code == ErrorInfo.EINVAL || error.Code == EOPNOTSUPP, () => $"{name}: decoding {Show(payload)} failed with {error}");
        }
        FuzzStats.Note("decoded");
        Expect.That(owned == 0, () => $"{name}: decoding caller bytes {Show(payload)} produced {owned} owning descriptor handles");
    }
}
