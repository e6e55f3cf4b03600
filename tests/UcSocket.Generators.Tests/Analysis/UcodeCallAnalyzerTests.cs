using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using UcSocket.Generators.Analysis;
using Xunit;
using static UcSocket.Generators.Tests.Analysis.AnalyzerHarness;

namespace UcSocket.Generators.Tests.Analysis;

/// <summary>
/// Each diagnostic of <see cref="UcodeCallAnalyzer"/> on its case, with its message, and silence on correct calls.
/// The facts the messages state are the spec's, checked against the C headers by the header check: SO_DEBUG and
/// TCP_NODELAY are both 1, SOL_SOCKET is 1, SO_TYPE is read-only, SO_ATTACH_FILTER and the memberships write-only.
/// </summary>
public sealed class UcodeCallAnalyzerTests
{
    private static DiagnosticResult Expect(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, int location, params object[] args) =>
        new DiagnosticResult(descriptor).WithLocation(location).WithArguments(args);

    [Fact]
    public async Task UCS101_AnOptionAtALevelItDoesNotBelongToNamesItsLevel()
    {
        // (SOL_SOCKET, TCP_NODELAY) is (1, 1): SO_DEBUG. The numbers are defined; the names say it is a mistake.
        var test = Analyzer(Source("""
            {|#0:s.SetOpt(SOL_SOCKET, TCP_NODELAY, true)|};
            {|#1:s.GetOpt(IPPROTO_TCP, MCAST_JOIN_GROUP)|};
            """));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.UndefinedPair, 0,
            "SOL_SOCKET", "TCP_NODELAY", "socket option", "; TCP_NODELAY is an option of level IPPROTO_TCP, and (SOL_SOCKET, 1) is SO_DEBUG"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.UndefinedPair, 1,
            "IPPROTO_TCP", "MCAST_JOIN_GROUP", "socket option", "; MCAST_JOIN_GROUP is an option of levels IPPROTO_IP, IPPROTO_IPV6"));
        await test.RunAsync();
    }

    [Fact]
    public async Task UCS101_ANumberThatNoOptionHasIsAWarning()
    {
        var test = Analyzer(Source("""
            {|#0:s.GetOpt(SOL_SOCKET, 9999)|};
            const int Level = 4242;
            {|#1:s.SetOpt(Level, SO_LINGER, 1)|};
            """));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.UndefinedPair, 0, "SOL_SOCKET", "9999", "socket option", ""));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.UndefinedPair, 1, "4242", "SO_LINGER", "socket option", "; SO_LINGER is an option of level SOL_SOCKET"));
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, AnalyzerDiagnostics.UndefinedPair.DefaultSeverity);
        await test.RunAsync();
    }

    [Fact]
    public async Task UCS101_AControlMessageAtTheWrongLevelOrOfNoKnownTypeWithDataThatIsNoBytes()
    {
        // IP_TTL is an IPPROTO_IP control message; at SOL_SOCKET, type 2 is SCM_CREDENTIALS.
        var test = Analyzer(Source("""
            _ = {|#0:new ControlMessage(SOL_SOCKET, IP_TTL, 64)|};
            _ = {|#1:new ControlMessage(999, 7, 64)|};
            _ = new ControlMessage(999, 7, new byte[] { 1, 2 });    // an unknown type goes out as its raw bytes
            """));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.UndefinedPair, 0,
            "SOL_SOCKET", "IP_TTL", "control-message type", "; IP_TTL is a control-message type of level IPPROTO_IP, and (SOL_SOCKET, 2) is SCM_CREDENTIALS"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.UndefinedPair, 1, "999", "7", "control-message type", ""));
        await test.RunAsync();
    }

    [Fact]
    public async Task UCS102_GetOptOfAWriteOnlyAndSetOptOfAReadOnlyOption()
    {
        var test = Analyzer(Source("""
            {|#0:s.GetOpt(SOL_SOCKET, SO_ATTACH_FILTER)|};
            {|#1:s.GetOpt(IPPROTO_IP, IP_ADD_MEMBERSHIP)|};
            {|#2:s.SetOpt(SOL_SOCKET, SO_TYPE, 1)|};
            """));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.WrongAccess, 0, "SO_ATTACH_FILTER", "write-only", "GetOpt"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.WrongAccess, 1, "IP_ADD_MEMBERSHIP", "write-only", "GetOpt"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.WrongAccess, 2, "SO_TYPE", "read-only", "SetOpt"));
        await test.RunAsync();
    }

    [Fact]
    public async Task UCS103_AValueThatCannotConvertToTheOptionsKind()
    {
        var test = Analyzer(Source("""
            s.SetOpt(SOL_SOCKET, SO_RCVBUF, {|#0:"many"|});
            s.SetOpt(SOL_SOCKET, SO_RCVBUF, {|#1:1L << 40|});
            s.SetOpt(SOL_SOCKET, SO_RCVBUF, {|#2:new byte[4]|});
            s.SetOpt(SOL_SOCKET, SO_RCVBUF, {|#3:'x'|});
            s.SetOpt(SOL_SOCKET, SO_LINGER, {|#4:5|});
            s.SetOpt(SOL_SOCKET, SO_LINGER, {|#5:new Timeval(Seconds: 1)|});
            s.SetOpt(SOL_SOCKET, SO_REUSEADDR, {|#6:null|});
            s.SetOpt(IPPROTO_IP, IP_TTL, {|#7:"64 hops"|});
            s.SetOpt(SOL_SOCKET, SO_MAX_PACING_RATE, {|#8:-1|});
            """));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.ValueDoesNotConvert, 0, "SO_RCVBUF", "an int", "the string \"many\""));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.ValueDoesNotConvert, 1, "SO_RCVBUF", "an int", "the value 1099511627776"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.ValueDoesNotConvert, 2, "SO_RCVBUF", "an int", "a value of type byte[]"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.ValueDoesNotConvert, 3, "SO_RCVBUF", "an int", "the char 'x'"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.ValueDoesNotConvert, 4, "SO_LINGER", "struct linger (a dictionary of its fields, or Linger)", "the value 5"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.ValueDoesNotConvert, 5, "SO_LINGER", "struct linger (a dictionary of its fields, or Linger)", "a value of type Timeval"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.ValueDoesNotConvert, 6, "SO_REUSEADDR", "a bool (or an integer)", "null"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.ValueDoesNotConvert, 7, "IP_TTL", "an int", "the string \"64 hops\""));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.ValueDoesNotConvert, 8, "SO_MAX_PACING_RATE", "a 64-bit unsigned integer", "the value -1"));
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, AnalyzerDiagnostics.ValueDoesNotConvert.DefaultSeverity);
        await test.RunAsync();
    }

    [Fact]
    public async Task UCS104_ADictionaryKeyThatIsNotAFieldOfTheStruct()
    {
        var test = Analyzer(Source("""
            s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { [{|#0:"onof"|}] = 1, ["linger"] = 5 });
            s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { { {|#1:"seconds"|}, 5 } });
            _ = new ControlMessage(SOL_SOCKET, SCM_CREDENTIALS, new Dictionary<string, object?> { ["pid"] = 1, [{|#2:"uuid"|}] = 2 });
            """));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.UnknownField, 0, "struct linger", "onof", "onoff, linger"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.UnknownField, 1, "struct linger", "seconds", "onoff, linger"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.UnknownField, 2, "struct ucred", "uuid", "pid, uid, gid"));
        await test.RunAsync();
    }

    [Fact]
    public async Task UCS105_ADictionaryValueThatDoesNotFitTheFieldsCType()
    {
        // struct linger's fields are C ints; ip_mreqn's multiaddr an in_addr; ucred's uid a uid_t (unsigned 32 bits).
        var test = Analyzer(Source("""
            s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { ["onoff"] = {|#0:"yes"|}, ["linger"] = {|#1:1L << 31|} });
            s.SetOpt(IPPROTO_IP, IP_ADD_MEMBERSHIP, new Dictionary<string, object?> { ["multiaddr"] = {|#2:"239.1.2"|}, ["ifindex"] = "lo" });
            _ = new ControlMessage(SOL_SOCKET, SCM_CREDENTIALS, new Dictionary<string, object?> { ["uid"] = {|#3:-1|} });
            s.SetOpt(SOL_SOCKET, SO_RCVTIMEO, new Dictionary<string, object?> { ["sec"] = {|#4:new byte[1]|} });
            """));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.FieldDoesNotFit, 0, "onoff", "struct linger", "int (-2147483648 to 2147483647)", "the string \"yes\""));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.FieldDoesNotFit, 1, "linger", "struct linger", "int (-2147483648 to 2147483647)", "the value 2147483648"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.FieldDoesNotFit, 2, "multiaddr", "struct ip_mreqn", "an IPv4 address (text or InAddr)", "the string \"239.1.2\""));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.FieldDoesNotFit, 3, "uid", "struct ucred", "uid_t (0 to 4294967295)", "the value -1"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.FieldDoesNotFit, 4, "sec", "struct timeval", "time_t (-9223372036854775808 to 9223372036854775807)", "a value of type byte[]"));
        await test.RunAsync();
    }

    [Fact]
    public async Task UCS106_ControlMessageDataThatCannotEncodeAsItsType()
    {
        var test = Analyzer(Source("""
            _ = new ControlMessage(SOL_SOCKET, SCM_RIGHTS, {|#0:"3"|});
            _ = new ControlMessage(SOL_SOCKET, SCM_RIGHTS, {|#1:5|});
            _ = new ControlMessage(IPPROTO_IP, IP_TTL, {|#2:"many"|});
            _ = new ControlMessage(SOL_SOCKET, SCM_CREDENTIALS, {|#3:42|});
            """));
        var fds = "file descriptors (FileDescriptors or a list of handles or numbers)";
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.DataDoesNotEncode, 0, "SCM_RIGHTS", fds, "the string \"3\""));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.DataDoesNotEncode, 1, "SCM_RIGHTS", fds, "the value 5"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.DataDoesNotEncode, 2, "IP_TTL", "an int", "the string \"many\""));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.DataDoesNotEncode, 3, "SCM_CREDENTIALS", "struct ucred (a dictionary of its fields, or Ucred)", "the value 42"));
        await test.RunAsync();
    }

    [Fact]
    public async Task CorrectCallsAndValuesTheAnalyzerCannotJudgeReportNothing()
    {
        var test = Analyzer(Source("""
            int level = SOL_SOCKET, option = TCP_NODELAY;
            object? anything = "yes";
            string text = System.Environment.GetEnvironmentVariable("RCVBUF") ?? "4096";
            IDictionary<string, object?> fields = new Dictionary<string, object?>();
            s.GetOpt(level, option);                                          // not constant: not checked
            s.SetOpt(SOL_SOCKET, SO_RCVBUF, 4096);
            s.SetOpt(SOL_SOCKET, SO_RCVBUF, 4096L);
            s.SetOpt(SOL_SOCKET, SO_RCVBUF, "0x1000");                        // numeric text converts
            s.SetOpt(SOL_SOCKET, SO_RCVBUF, 4096.0);
            s.SetOpt(SOL_SOCKET, SO_RCVBUF, text);                            // text may hold a number
            s.SetOpt(SOL_SOCKET, SO_RCVBUF, anything);                        // object: anything
            s.SetOpt(SOL_SOCKET, SO_REUSEADDR, true);
            s.SetOpt(SOL_SOCKET, SO_REUSEADDR, 1);
            s.SetOpt(SOL_SOCKET, SO_LINGER, new Linger(OnOff: 1, Seconds: 5));
            s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { ["onoff"] = 1, ["linger"] = "5" });
            s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, int> { ["onoff"] = 1, ["linger"] = 5 });
            s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { ["onoff"] = null });
            s.SetOpt(SOL_SOCKET, SO_LINGER, fields);
            s.SetOpt(SOL_SOCKET, SO_BINDTODEVICE, "lo");
            s.SetOpt(SOL_SOCKET, SO_ATTACH_FILTER, new byte[8]);
            s.SetOpt(IPPROTO_TCP, TCP_NODELAY, true);
            s.SetOpt(IPPROTO_IP, IP_ADD_MEMBERSHIP, new Dictionary<string, object?> { ["multiaddr"] = "239.1.2.3", ["ifindex"] = "lo" });
            s.SetOpt(IPPROTO_IP, IP_MULTICAST_IF, new Dictionary<string, object?> { ["address"] = "127.0.0.1" });
            s.SetOpt(IPPROTO_IPV6, IPV6_MULTICAST_IF, "lo");
            s.SetOpt(SOL_SOCKET, SO_MAX_PACING_RATE, ulong.MaxValue);
            s.GetOpt(SOL_SOCKET, SO_TYPE);
            s.GetOpt(IPPROTO_IP, MCAST_JOIN_GROUP + 0 == 42 ? 1 : 2);             // constant, numbers only: IP_TOS
            _ = new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new[] { 0, 1 });
            _ = new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new byte[8]);        // raw bytes go out as they are
            _ = new ControlMessage(IPPROTO_IP, IP_TTL, 64);
            _ = new ControlMessage(IPPROTO_IP, IP_TTL, "64");
            _ = new ControlMessage(SOL_SOCKET, SCM_CREDENTIALS, new Dictionary<string, object?> { ["pid"] = 1, ["uid"] = 0u, ["gid"] = 0 });
            _ = new ControlMessage(1234, 5, new byte[] { 9, 8, 7 });
            """));
        await test.RunAsync();
    }

    [Fact]
    public async Task OptionsOfTheProjectsOwnYamlAreCheckedBesideTheLibrarysReferenceFiles()
    {
        // The package's props hand the library's spec over as reference files (item metadata UcSocketSpecReference);
        // the project's own YAML uses their constants. Its options are checked like the library's.
        const string Icmp = """
            constants:
              ICMP:
                ICMP_FILTER: 1
            structs:
              icmp_filter:
                fields:
                  - { c: data, property: Mask, type: __u32 }
            options:
              - { level: SOL_RAW, name: ICMP_FILTER, type: struct icmp_filter }
            """;
        var test = Analyzer(Source("""
            const int IcmpFilter = 1;
            s.SetOpt(SOL_RAW, IcmpFilter, new Dictionary<string, object?> { ["data"] = 1 << 8 });
            s.SetOpt(SOL_RAW, IcmpFilter, new Dictionary<string, object?> { [{|#0:"mask"|}] = 0 });
            s.SetOpt(SOL_RAW, IcmpFilter, new Dictionary<string, object?> { ["data"] = {|#1:1L << 32|} });
            {|#2:s.SetOpt(SOL_SOCKET, IcmpFilter + 9000, 0)|};
            """));
        test.TestState.AdditionalFiles.Add(("/project/icmp.yaml", Icmp));
        var sections = string.Concat(RepoSpec().Select(f => $"\n[{f.Path}]\nbuild_metadata.AdditionalFiles.UcSocketSpecReference = true\n"));
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nbuild_property.UcSocketSpecNamespace = Icmp\n" + sections));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.UnknownField, 0, "struct icmp_filter", "mask", "data"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.FieldDoesNotFit, 1, "data", "struct icmp_filter", "__u32 (0 to 4294967295)", "the value 4294967296"));
        test.ExpectedDiagnostics.Add(Expect(AnalyzerDiagnostics.UndefinedPair, 2, "SOL_SOCKET", "9001", "socket option", ""));
        await test.RunAsync();
    }
}
