using System;
using System.Threading.Tasks;

namespace UcSocket.Handoff;

/// <summary><c>handoff upgrade|status|stop</c>: one command to the supervisor's control socket, its reply on stdout.</summary>
internal static class ControlClient
{
    public static async Task<int> RunAsync(string command, string controlPath)
    {
        MessageChannel channel;
        try
        {
            channel = await MessageChannel.ConnectAsync(controlPath);
        }
        catch (UcSocketException ex)
        {
            Console.Error.WriteLine($"handoff: no supervisor at {controlPath}: {ex.Message}");
            return 1;
        }
        using (channel)
        {
            await channel.SendAsync(command);
            // An upgrade waits for a .NET process to start and for every connection to change hands.
            var reply = await channel.ReceiveAsync(TimeSpan.FromMinutes(5));
            Console.WriteLine(reply?.Text ?? "error the supervisor closed the connection without a reply");
            return reply?.Verb == "ok" ? 0 : 1;
        }
    }
}
