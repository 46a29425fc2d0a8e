using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests;

/// <summary>What <c>Program.BuildApp</c> wires: every settings section stops start-up on a bad value, naming its key.</summary>
public sealed class ProgramTests
{
    private const string Tenant = "Tenants:0:Name=acme";
    private const string TenantKey = "Tenants:0:ApiKey=tenant-key-0123456789abcdef";

    [Theory]
    [InlineData("Upstream:Retry:MaxAttempts must be between 1 and 20", "Upstream:Retry:MaxAttempts=0")]
    [InlineData("Upstream:CircuitBreaker:FailureThreshold must be between 1 and 1000", "Upstream:CircuitBreaker:FailureThreshold=0")]
    [InlineData("Upstream:Timeouts:Idle must be a TimeSpan between", "Upstream:Timeouts:Idle=00:00:00")]
    [InlineData("Upstream:Regions:0:MaxConnections must be between 1 and 100000", "Upstream:Regions:0:MaxConnections=0")]
    [InlineData("Upstream:Regions:1:BaseUrl must be an absolute http(s) URL", "Upstream:Regions:1:Name=second", "Upstream:Regions:1:BaseUrl=not-a-url")]
    [InlineData("Upstream:Retry:MaxDelay must not be shorter than Upstream:Retry:BaseDelay", "Upstream:Retry:BaseDelay=00:00:05", "Upstream:Retry:MaxDelay=00:00:01")]
    [InlineData("Upstream:Regions:0:Weight must be between 1 and 1000", "Upstream:Regions:0:Weight=0")]
    [InlineData("Upstream:Regions:0:Models:chat must name the model as region primary knows it", "Upstream:Regions:0:Models:chat= ", "Upstream:Model=chat")]
    [InlineData("Upstream:Model 'emulator-1' is served by no region", "Upstream:Regions:0:Models:chat=gpt-4.1")]
    [InlineData("Upstream:Fallbacks:chat:0 'fast' is served by no region", "Upstream:Regions:0:Models:chat=gpt-4.1", "Upstream:Model=chat", "Upstream:Fallbacks:chat:0=fast")]
    [InlineData("Upstream:Fallbacks:chat:0 must name another model, once", "Upstream:Model=chat", "Upstream:Fallbacks:chat:0=chat")]
    [InlineData("Upstream:Regions:0:ApiKeyHeader must be an HTTP header name", "Upstream:Regions:0:ApiKeyHeader=api key")]
    [InlineData("Upstream:Regions:0:ApiKeyHeader cannot be Content-Type", "Upstream:Regions:0:ApiKeyHeader=Content-Type")]
    [InlineData("Upstream:Regions:0:Headers:api-key is the header that carries Upstream:Regions:0:ApiKey", "Upstream:Regions:0:ApiKey=azure-key-0123456789", "Upstream:Regions:0:ApiKeyHeader=api-key", "Upstream:Regions:0:Headers:api-key=other")]
    [InlineData("Upstream:Regions:0:Headers:Host is not a header a region's settings may send", "Upstream:Regions:0:Headers:Host=example.com")]
    [InlineData("Tenants:0:Models:0 must name a model", Tenant, TenantKey, "Tenants:0:Models:0= ")]
    [InlineData("Admission:QueueLimits:Low must be between 0 and 1000000", "Admission:QueueLimits:Low=-1")]
    [InlineData("Admission:AgingInterval must be shorter than Admission:MaxQueueWait", "Admission:AgingInterval=00:01:00")]
    [InlineData("Streaming:CoalesceWindow must be between", "Streaming:CoalesceWindow=00:00:02")]
    [InlineData("Streaming:MaxStreamsPerConnection must be between 1 and 1000", "Streaming:MaxStreamsPerConnection=0")]
    [InlineData("Fanout:WatchExpiry must be between", "Fanout:WatchExpiry=00:00:00")]
    [InlineData("Redis:ChannelPrefix must match", "Redis:ChannelPrefix=has space")]
    [InlineData("Identity:AnonymousTier must be Critical, High, Normal or Low", "Identity:AnonymousTier=9")]
    [InlineData("Identity:Jwt:ClockSkew must be between", "Identity:Jwt:ClockSkew=01:00:00")]
    [InlineData("Tenants:0:Tier must be Critical, High, Normal or Low", Tenant, TenantKey, "Tenants:0:Tier=9")]
    [InlineData("Tenants:0:ApiKey must be at least 16 characters", Tenant, "Tenants:0:ApiKey=short")]
    [InlineData("Tenants:1:MaxConcurrentStreams must be at least 1", Tenant, TenantKey, "Tenants:1:Name=beta", "Tenants:1:ApiKey=beta-key-0123456789abcdef", "Tenants:1:MaxConcurrentStreams=0")]
    [InlineData("Tenants:1:Name 'acme' is used by another tenant", Tenant, TenantKey, "Tenants:1:Name=acme", "Tenants:1:ApiKey=beta-key-0123456789abcdef")]
    [InlineData("Admin:ApiKey must be at least 16 characters", "Admin:ApiKey=short")]
    [InlineData("Cors:AllowedOrigins:1 must be an origin", "Cors:AllowedOrigins:0=https://app.example.com", "Cors:AllowedOrigins:1=https://app.example.com/page")]
    [InlineData("Pricing:Models:emulator-1:InputPerMillion must not be negative", "Pricing:Models:emulator-1:InputPerMillion=-1")]
    [InlineData("Emulator:TokensPerSecond must be a positive finite number", "Emulator:TokensPerSecond=0")]
    [InlineData("Emulator:DefaultMaxTokens must not exceed Emulator:MaxTokensLimit", "Emulator:DefaultMaxTokens=50", "Emulator:MaxTokensLimit=10")]
    public async Task BuildApp_BadSetting_StartFailsNamingTheKey(string message, params string[] settings)
    {
        var error = await FailedStart.RunAsync(settings);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A value the binder cannot convert inside a list or dictionary item used to drop the item silently
    /// (the tenant, the region, the price vanished); now it stops start-up naming the key.
    /// </summary>
    [Theory]
    [InlineData("'Tenants:0:Tier'", Tenant, TenantKey, "Tenants:0:Tier=Gold")]
    [InlineData("'Upstream:Regions:0:Priority'", "Upstream:Regions:0:Priority=high")]
    [InlineData("'Pricing:Models:emulator-1:OutputPerMillion'", "Pricing:Models:emulator-1:OutputPerMillion=cheap")]
    [InlineData("'Upstream:MidStream'", "Upstream:MidStream=Sometimes")]
    [InlineData("'Admission:MaxQueueWait'", "Admission:MaxQueueWait=soon")]
    public async Task BuildApp_UnconvertibleSetting_StartFailsNamingTheKey(string key, params string[] settings)
    {
        var error = await FailedStart.RunAsync(settings);

        var failure = Assert.IsType<OptionsValidationException>(error);
        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildApp_Default_RegistersTheSystemClockOnce()
    {
        var app = Program.BuildApp(["--urls=http://127.0.0.1:0"]);
        await using var _ = app;

        var clocks = app.Services.GetServices<TimeProvider>().ToList();

        Assert.Same(TimeProvider.System, Assert.Single(clocks));
    }
}
