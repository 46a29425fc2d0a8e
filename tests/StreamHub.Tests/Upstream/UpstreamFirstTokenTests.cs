using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

/// <summary>
/// The first token is the first content event of any kind (text, reasoning, refusal, tool call): after it no
/// retry, and <c>MidStream=Continue</c> continues only text.
/// </summary>
public sealed class UpstreamFirstTokenTests
{
    private static readonly TimeSpan Timeout = UpstreamHarness.Timeout;

    [Theory]
    [InlineData("dialect=deepseek drop-after=0", "reasoning")]
    [InlineData("tools=1 drop-after=0", "tool call")]
    public async Task StreamAsync_BreakAfterANonTextFirstEvent_IsInterruptedNotRetried(string fault, string seen)
    {
        await using var h = await UpstreamHarness.StartAsync(regions: 2, configure: o => o.ForwardReasoning = false);
        h.Emulators[0].State.SetScript([fault]);

        var (chunks, error) = await h.DriveAsync(UpstreamHarness.ReadAllAsync(h.Stream("hello")));

        Assert.True(chunks.Any(c => c.HasContent), $"the {seen} should have been delivered before the break");
        Assert.Equal(ErrorCodes.UpstreamInterrupted, error?.Code);
        Assert.Equal(1, h.RequestCount(0));
        Assert.Equal(0, h.RequestCount(1));
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_MidStreamContinueAfterAToolCallWasDelivered_FailsWithoutContinuation()
    {
        await using var h = await UpstreamHarness.StartAsync(regions: 2, configure: o => o.MidStream = MidStreamMode.Continue);
        h.Emulators[0].State.SetScript(["tokens=3 tools=1 arg-fragments=2 drop-after=4"]);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Equal(3, UpstreamHarness.Texts(chunks).Count);
        Assert.Contains(chunks, c => c.ToolCalls is not null);
        Assert.Equal(ErrorCodes.UpstreamInterrupted, error?.Code);
        Assert.Equal(0, h.RequestCount(1));
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_MidStreamContinueAfterReasoningAndText_ContinuesTheText()
    {
        await using var h = await UpstreamHarness.StartAsync(regions: 2, configure: o => o.MidStream = MidStreamMode.Continue);
        h.Emulators[0].State.SetScript(["dialect=deepseek drop-after=4"]);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal("Let me think this through.", string.Concat(chunks.Select(c => c.Reasoning)));
        Assert.Equal(1, h.RequestCount(1));
        Assert.Equal(string.Concat(UpstreamHarness.Texts(chunks).Take(4)), h.Emulators[1].State.GetRequests()[0].Messages[1].Content);
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_FirstChunk_TellsTheCallerTheModelTheUpstreamReported()
    {
        await using var h = await UpstreamHarness.StartAsync();
        var progress = new ModelRecorder();

        var (_, error) = await UpstreamHarness.ReadAllAsync(h.Client.StreamAsync(UpstreamHarness.Call("hello"), progress, default)).WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal(["emulator-1"], progress.Models);
    }

    private sealed class ModelRecorder : IStreamProgress
    {
        public List<string> Models { get; } = [];

        public ValueTask QueuedAsync(int position) => default;

        public ValueTask StartedAsync(string region) => default;

        public ValueTask UsageAsync(UsageReport usage) => default;

        public ValueTask ModelAsync(string model)
        {
            Models.Add(model);
            return default;
        }
    }
}
