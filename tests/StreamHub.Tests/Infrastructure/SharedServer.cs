namespace StreamHub.Tests.Infrastructure;

/// <summary>
/// One StreamHub with the kit's default settings, shared by the cases of a test class (<c>IClassFixture</c>):
/// for long tables of calls that leave no state behind.
/// </summary>
public sealed class SharedServer : IAsyncLifetime
{
    public StreamHubServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await StreamHubServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
