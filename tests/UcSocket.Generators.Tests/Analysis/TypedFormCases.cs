using System.Collections.Generic;

namespace UcSocket.Generators.Tests.Analysis;

/// <summary>
/// ucode-style calls and the typed form the code fix writes for each: the code fix tests check that the fix writes
/// exactly <see cref="Case.After"/>, the behaviour tests run both on real sockets and compare what they do.
/// Every case leaves its result in <c>object? result</c>; <see cref="Case.ReadBack"/> is the option read back after it.
/// </summary>
internal static class TypedFormCases
{
    public sealed record Case(string Name, string Before, string After, string ReadBack);

    public static IReadOnlyList<Case> All { get; } = new Case[]
    {
        new("StructFromADictionaryLiteral",
            """object? result = s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { ["onoff"] = 1, ["linger"] = 5 });""",
            """object? result = s.SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 5));""",
            "SOL_SOCKET, SO_LINGER"),
        new("ADuplicateKeyGetsNoFix",
            """
            int seconds = 7;
            object? result = s.SetOpt(SOL_SOCKET, SO_RCVTIMEO, new Dictionary<string, object?> { ["usec"] = 250_000L, ["sec"] = seconds, ["usec"] = null });
            """,
            """
            int seconds = 7;
            object? result = s.SetOpt(SOL_SOCKET, SO_RCVTIMEO, new Dictionary<string, object?> { ["usec"] = 250_000L, ["sec"] = seconds, ["usec"] = null });
            """,
            "SOL_SOCKET, SO_RCVTIMEO"),
        new("StructWithAVariableAndAConstantOfAnotherType",
            """
            int seconds = 7;
            object? result = s.SetOpt(SOL_SOCKET, SO_RCVTIMEO, new Dictionary<string, object?> { ["usec"] = 250_000L, ["sec"] = seconds });
            """,
            """
            int seconds = 7;
            object? result = s.SetOpt(SockOpt.SoRcvTimeo, new Timeval(Microseconds: 250_000L, Seconds: seconds));
            """,
            "SOL_SOCKET, SO_RCVTIMEO"),
        new("StructFromAddCalls",
            """object? result = s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { { "linger", 2 }, { "onoff", true } });""",
            """object? result = s.SetOpt(SockOpt.SoLinger, new Linger(Seconds: 2, OnOff: 1));""",
            "SOL_SOCKET, SO_LINGER"),
        new("StructGivenTyped",
            """object? result = s.SetOpt(SOL_SOCKET, SO_LINGER, new Linger(OnOff: 1, Seconds: 3));""",
            """object? result = s.SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 3));""",
            "SOL_SOCKET, SO_LINGER"),
        new("IntFromALongConstant",
            """object? result = s.SetOpt(SOL_SOCKET, SO_RCVBUF, 65536L);""",
            """object? result = s.SetOpt(SockOpt.SoRcvBuf, 65536);""",
            "SOL_SOCKET, SO_RCVBUF"),
        new("IntFromNumericText",
            """object? result = s.SetOpt(SOL_SOCKET, SO_SNDBUF, "0x4000");""",
            """object? result = s.SetOpt(SockOpt.SoSndBuf, 16384);""",
            "SOL_SOCKET, SO_SNDBUF"),
        new("IntFromAShortVariable",
            """
            short size = 9000;
            object? result = s.SetOpt(SOL_SOCKET, SO_RCVBUF, size);
            """,
            """
            short size = 9000;
            object? result = s.SetOpt(SockOpt.SoRcvBuf, size);
            """,
            "SOL_SOCKET, SO_RCVBUF"),
        new("BoolFromAnIntConstant",
            """object? result = s.SetOpt(SOL_SOCKET, SO_KEEPALIVE, 1);""",
            """object? result = s.SetOpt(SockOpt.SoKeepAlive, true);""",
            "SOL_SOCKET, SO_KEEPALIVE"),
        new("BoolFromAnIntVariable",
            """
            int on = 2;
            object? result = s.SetOpt(SOL_SOCKET, SO_REUSEADDR, on);
            """,
            """
            int on = 2;
            object? result = s.SetOpt(SockOpt.SoReuseAddr, (on) != 0);
            """,
            "SOL_SOCKET, SO_REUSEADDR"),
        new("BoolThatTheKernelRefusesHere",
            """object? result = s.SetOpt(IPPROTO_TCP, TCP_NODELAY, true);""",
            """object? result = s.SetOpt(SockOpt.TcpNoDelay, true);""",
            "SOL_SOCKET, SO_TYPE"),
        new("GetStructKeepsTheDictionary",
            """object? result = s.GetOpt(SOL_SOCKET, SO_LINGER);""",
            """object? result = s.GetOpt(SockOpt.SoLinger)?.ToDictionary();""",
            "SOL_SOCKET, SO_LINGER"),
        new("GetInt",
            """object? result = s.GetOpt(SOL_SOCKET, SO_TYPE);""",
            """object? result = s.GetOpt(SockOpt.SoType);""",
            "SOL_SOCKET, SO_TYPE"),
        new("GetBoolTestedWithAPattern",
            """object? result = s.GetOpt(SOL_SOCKET, SO_KEEPALIVE) is bool on ? on : "none";""",
            """object? result = s.GetOpt(SockOpt.SoKeepAlive) is bool on ? on : "none";""",
            "SOL_SOCKET, SO_KEEPALIVE"),
        new("GetDiscarded",
            """
            s.GetOpt(IPPROTO_TCP, TCP_NODELAY);
            object? result = s.Error();
            """,
            """
            s.GetOpt(SockOpt.TcpNoDelay);
            object? result = s.Error();
            """,
            "SOL_SOCKET, SO_TYPE"),
    };
}
