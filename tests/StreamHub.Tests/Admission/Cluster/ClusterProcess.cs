using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Admission.Cluster;

/// <summary>
/// StreamHub as a child process (<c>dotnet src/StreamHub/bin/&lt;configuration&gt;/net10.0/StreamHub.dll</c>, the
/// build the tests were built with), so that a test can SIGKILL it: no shutdown, no goodbye to Redis.
/// </summary>
internal sealed class ClusterProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ClusterProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>What the process wrote, for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ClusterProcess> StartAsync(IDictionary<string, string?> settings, Uri emulator)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var dll = HubDll();
        info.WorkingDirectory = Path.GetDirectoryName(dll)!;
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        info.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        info.ArgumentList.Add("--Upstream:Regions:0:Name=primary");
        info.ArgumentList.Add($"--Upstream:Regions:0:BaseUrl={new Uri(emulator, "v1")}");
        foreach (var (key, value) in settings)
        {
            if (value is not null)
            {
                info.ArgumentList.Add($"--{key}={value}");
            }
        }

        var child = new ClusterProcess(Process.Start(info)!, new Uri($"http://127.0.0.1:{port}/"));
        await child.WaitReadyAsync();
        return child;
    }

    public async Task<HubConnection> ConnectAsync(string key)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, "hubs/stream"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.AccessTokenProvider = () => Task.FromResult<string?>(key);
            })
            .Build();
        await connection.StartAsync().WaitAsync(StreamHubServer.Timeout);
        return connection;
    }

    /// <summary>SIGKILL: the process ends at once, its sockets reset, its Redis lease left to expire.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync().WaitAsync(StreamHubServer.Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private static string HubDll()
    {
        // .../tests/StreamHub.Tests/bin/<configuration>/net10.0/ → the app's own output of the same configuration.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Hub.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root!.FullName, "src", "StreamHub", "bin", configuration, testOutput.Name, "StreamHub.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build Hub.sln first");
        return dll;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        await Waits.EventuallyAsync(
            async () =>
            {
                Assert.False(_process.HasExited, "StreamHub exited before it was ready:\n" + Output);
                try
                {
                    using var response = await http.GetAsync(new Uri("health/live", UriKind.Relative));
                    return response.IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            },
            "the StreamHub child process to answer /health/live",
            TimeSpan.FromSeconds(30));
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
