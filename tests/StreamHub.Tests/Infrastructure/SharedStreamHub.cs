namespace StreamHub.Tests.Infrastructure;

/// <summary>
/// One StreamHub and its emulator for every test of a class: an xunit class fixture
/// (<c>IClassFixture&lt;T&gt;</c> of a subclass naming the settings). Only for classes whose tests do not
/// interfere: one set of settings, and nothing a test asserts that another test changes (breakers, disabled
/// regions, limits, tenant rate windows, metrics and stats counters). A class whose tests do interfere
/// starts a server per test with <see cref="StreamHubServer.StartAsync"/>; the server is the same either way.
/// </summary>
/// <remarks>
/// Each test calls <see cref="ForTestAsync"/> first (from its <c>InitializeAsync</c>): the test then starts
/// where a fresh server would, with no request in flight and the emulator's script, request log and
/// counters cleared. The tests of one class run one after another, never side by side.
/// </remarks>
public abstract class SharedStreamHub(IDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    private StreamHubServer? _server;

    public StreamHubServer Server => _server ?? throw new InvalidOperationException("the shared StreamHub did not start");

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync(settings);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Waits until the previous test's requests have ended, clears the emulator and returns the server.</summary>
    public async Task<StreamHubServer> ForTestAsync()
    {
        await Server.WaitUntilQuietAsync();
        Server.Emulator.State.Reset();
        return Server;
    }
}
