using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Upstream;

/// <summary>
/// Region base URLs: a credential in the URL (user-info) stops start-up naming the key, never the secret; plain
/// http to another machine starts with a warning naming the key.
/// </summary>
public sealed class RegionUrlTests
{
    [Theory]
    [InlineData("https://user:s3cret-pass@llm.example.com/v1", "s3cret-pass")]
    [InlineData("https://s3cret-token@llm.example.com/v1", "s3cret-token")]
    [InlineData("http://admin:s3cret-pass@127.0.0.1:9/v1", "s3cret-pass")]
    public async Task BuildApp_RegionBaseUrlWithUserInfo_StartFailsNamingTheKeyNeverTheSecret(string url, string secret)
    {
        var error = await FailedStart.RunAsync("Upstream:Regions:0:BaseUrl=" + url);

        Assert.Contains("Upstream:Regions:0:BaseUrl must not hold a user name or password", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PlainHttpToAnotherHost_WarnsNamingTheKey()
    {
        var lines = await StartupLog.CaptureAsync("Upstream:Regions:1:Name=remote", "Upstream:Regions:1:BaseUrl=http://llm.internal.example:8080/v1");

        var warning = Assert.Single(lines, static l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("plain http", StringComparison.Ordinal));
        Assert.Contains("Upstream:Regions:1:BaseUrl", warning, StringComparison.Ordinal);
        Assert.Contains("llm.internal.example", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/v1")]
    [InlineData("http://localhost:9/v1")]
    [InlineData("http://[::1]:9/v1")]
    [InlineData("https://llm.example.com/v1")]
    public async Task Start_HttpsOrLoopback_DoesNotWarn(string url)
    {
        var lines = await StartupLog.CaptureAsync("Upstream:Regions:0:BaseUrl=" + url);

        Assert.DoesNotContain(lines, static l => l.Contains("plain http", StringComparison.Ordinal));
    }
}
