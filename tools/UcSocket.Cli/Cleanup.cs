using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace UcSocket.Cli;

/// <summary>
/// UNIX socket paths this process created, deleted on SIGINT/SIGTERM as on a normal exit, so an interrupted
/// listener does not leave its socket file behind.
/// </summary>
internal static class Cleanup
{
    private static readonly HashSet<string> s_paths = [];
    private static PosixSignalRegistration? s_int, s_term;

    public static void Register(string path)
    {
        lock (s_paths) s_paths.Add(path);
    }

    public static void Unregister(string path)
    {
        lock (s_paths) s_paths.Remove(path);
    }

    /// <summary>Deletes a socket file this process created (the normal exit) and forgets it.</summary>
    public static void DeleteAndUnregister(string path)
    {
        Delete(path);
        Unregister(path);
    }

    /// <summary>Installs the signal handlers (the ucsock process only; in-process runs do not).</summary>
    public static void InstallSignalHandlers()
    {
        s_int = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => DeleteAll());
        s_term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => DeleteAll());
    }

    private static void DeleteAll()
    {
        lock (s_paths)
        {
            foreach (var p in s_paths) Delete(p);
        }
    }

    private static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
