using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace StreamHub.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay standing in for a load balancer: each accepted connection is piped to the instance the
/// relay currently points at. <see cref="Retarget"/> sends new connections elsewhere; <see cref="KillAll"/>
/// resets every live connection at once (RST both ways), the way a phone leaving Wi-Fi loses its socket.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<Socket, byte> _live = new();
    private readonly ConcurrentQueue<int> _accepted = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private volatile int _targetPort;

    private TcpRelay(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>The target port of each connection accepted so far, in order.</summary>
    public IReadOnlyList<int> Accepted => [.. _accepted];

    public static TcpRelay To(Uri target) => new(target.Port);

    public void Retarget(Uri target) => _targetPort = target.Port;

    /// <summary>Resets every live connection (both sides) with no goodbye.</summary>
    public void KillAll()
    {
        foreach (var socket in _live.Keys)
        {
            Reset(socket);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        KillAll();
        await _acceptLoop.WaitAsync(StreamHubServer.Timeout);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var port = _targetPort;
            _accepted.Enqueue(port);
            _ = PipeAsync(client, port);
        }
    }

    private async Task PipeAsync(Socket client, int port)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        _live[client] = 0;
        _live[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
            await Task.WhenAny(CopyAsync(client, upstream), CopyAsync(upstream, client));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The instance is gone or the relay stops: the connection just ends.
        }
        finally
        {
            Reset(client);
            Reset(upstream);
            _live.TryRemove(client, out _);
            _live.TryRemove(upstream, out _);
        }
    }

    private static async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0); // close with RST, not FIN
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
