using System.Collections.Generic;

namespace UcSocket;

/// <summary>ucode's <c>PeerCredentials</c> (<c>sock.peercred()</c>): the peer process of a connected UNIX socket.</summary>
/// <param name="Uid">The effective user ID of the remote endpoint.</param>
/// <param name="Gid">The effective group ID of the remote endpoint.</param>
/// <param name="Pid">The ID of the process the remote endpoint belongs to.</param>
public sealed record PeerCredentials(uint Uid, uint Gid, int Pid)
{
    /// <summary>The ucode form: <c>{ "uid": ..., "gid": ..., "pid": ... }</c>, the field names of ucode's <c>peercred()</c>.</summary>
    public Dictionary<string, object?> ToDictionary() => new()
    {
        ["uid"] = Uid,
        ["gid"] = Gid,
        ["pid"] = Pid,
    };
}
