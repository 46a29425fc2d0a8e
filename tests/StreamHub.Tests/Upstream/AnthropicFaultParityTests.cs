using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Upstream;

/// <summary>
/// Each fault the emulator can put into an answer ends the same way from an Anthropic region as from an OpenAI one:
/// the same contract code, the same number of attempts (the one retry rule), the same tokens delivered, the same
/// failures charged to the region's breaker.
/// </summary>
public sealed class AnthropicFaultParityTests
{
    private static readonly TimeSpan Timeout = UpstreamHarness.Timeout;

    public static TheoryData<string, Outcome> Faults => new()
    {
        // Before the first token: retried (a Retry-After within Upstream:Retry:MaxRetryAfter is waited for).
        { "status=429 retry-after=2", new(null, Attempts: 2, Delivered: 12, RegionFailures: 1) },
        { "status=529", new(null, 2, 12, 1) },
        { "status=500", new(null, 2, 12, 1) },
        { "stall-after=0", new(null, 2, 12, 1) },
        { "drop-after=0", new(null, 2, 12, 1) },
        { "error-after=0", new(null, 2, 12, 1) },

        // Not retried: a longer Retry-After than MaxRetryAfter with no other region, the caller's own fault.
        { "status=429 retry-after=120", new(ErrorCodes.UpstreamUnavailable, 1, 0, 1) },
        { "status=400", new(ErrorCodes.InvalidRequest, 1, 0, 0) },

        // After the first token: never retried.
        { "stall-after=3", new(ErrorCodes.UpstreamTimeout, 1, 3, 1) },
        { "keepalive-stall-after=3", new(ErrorCodes.UpstreamTimeout, 1, 3, 1) },
        { "drop-after=3", new(ErrorCodes.UpstreamInterrupted, 1, 3, 1) },
        { "error-after=3", new(ErrorCodes.UpstreamInterrupted, 1, 3, 1) },
        { "end-after=3", new(ErrorCodes.UpstreamInterrupted, 1, 3, 1) },
        { "malformed-after=3", new(ErrorCodes.UpstreamInterrupted, 1, 3, 1) },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task StreamAsync_Fault_SameEndFromBothDialects(string fault, Outcome expected)
    {
        var openAi = await RunAsync(fault, Dialect.OpenAi);
        var anthropic = await RunAsync(fault, Dialect.Anthropic);

        Assert.Equal(expected, openAi);
        Assert.Equal(openAi, anthropic);
    }

    [Theory]
    [InlineData("OpenAi")]
    [InlineData("Anthropic")]
    public async Task StreamAsync_429WithRetryAfter_RetriesAfterThatDelayAndNotSooner(string dialect)
    {
        await using var h = await StartAsync(Enum.Parse<Dialect>(dialect));
        h.Emulators[0].State.SetScript(["status=429 retry-after=2"]);

        var read = UpstreamHarness.ReadAllAsync(h.Stream("hello"));
        await h.WaitForRequestsAsync(0, 1);
        await h.Clock.WaitUntilArmedAsync(TimeSpan.FromSeconds(2));
        h.Clock.Advance(TimeSpan.FromMilliseconds(1900));
        Assert.Equal(1, h.RequestCount(0));

        h.Clock.Advance(TimeSpan.FromMilliseconds(150));
        var (chunks, error) = await read.WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal(EmulatorText.Tokens("hello", 12), UpstreamHarness.Texts(chunks));
        Assert.Equal(2, h.RequestCount(0));
    }

    private static async Task<Outcome> RunAsync(string fault, Dialect dialect)
    {
        await using var h = await StartAsync(dialect);
        h.Emulators[0].State.SetScript([fault]);

        var (chunks, error) = await h.DriveAsync(UpstreamHarness.ReadAllAsync(h.Stream("hello")));

        await h.AssertUpstreamIdleAsync();
        return new Outcome(error?.Code, h.RequestCount(0), UpstreamHarness.Texts(chunks).Count, (int)h.Regions.Regions[0].Snapshot().Failures);
    }

    private static Task<UpstreamHarness> StartAsync(Dialect dialect) => UpstreamHarness.StartAsync(configure: o =>
    {
        o.Regions[0].Dialect = dialect;
        o.Timeouts.Idle = TimeSpan.FromSeconds(5);
    });

    /// <summary>How one request ended: its code (null: answered), the attempts the region saw, the text tokens delivered, the failures charged to the region.</summary>
    public sealed record Outcome(string? Code, int Attempts, int Delivered, int RegionFailures);
}
