using System.Net;
using System.Net.Sockets;

namespace StreamHub.Benchmarks.Load;

/// <summary>A loopback port nobody listens on right now (the OS picks it), for the processes the runner starts.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
