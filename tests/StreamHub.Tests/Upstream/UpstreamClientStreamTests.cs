using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

/// <summary>Streams after the first token: mid-stream failures, timeouts, early stops and every dialect.</summary>
public sealed class UpstreamClientStreamTests
{
    private static readonly TimeSpan Timeout = UpstreamHarness.Timeout;
    private static readonly IReadOnlyList<string> Answer = EmulatorText.Tokens("hello", 12);

    [Theory]
    [InlineData("drop-after=3")]
    [InlineData("error-after=3")]
    [InlineData("malformed-after=3")]
    [InlineData("end-after=3")]
    public async Task StreamAsync_DiesAfterThreeTokens_InterruptedAfterThoseTokensWithoutRetry(string fault)
    {
        await using var h = await UpstreamHarness.StartAsync(regions: 2);
        h.Emulators[0].State.SetScript([fault]);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Equal(Answer.Take(3), UpstreamHarness.Texts(chunks));
        Assert.Equal(ErrorCodes.UpstreamInterrupted, error?.Code);
        Assert.Equal(1, h.RequestCount(0));
        Assert.Equal(0, h.RequestCount(1));
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_StallsMidStream_TimesOutAfterIdle()
    {
        await using var h = await UpstreamHarness.StartAsync(configure: o => o.Timeouts.Idle = TimeSpan.FromSeconds(5));
        h.Emulators[0].State.SetScript(["stall-after=3"]);

        await using var e = h.Stream("hello").GetAsyncEnumerator();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await e.MoveNextAsync().AsTask().WaitAsync(Timeout));
            Assert.Equal(Answer[i], e.Current.Text);
        }

        var next = e.MoveNextAsync().AsTask();
        await h.Clock.WaitUntilArmedAsync(TimeSpan.FromSeconds(5));
        h.Clock.Advance(TimeSpan.FromMilliseconds(4900));
        Assert.False(next.IsCompleted);

        h.Clock.Advance(TimeSpan.FromMilliseconds(200));
        var error = await Assert.ThrowsAsync<StreamHubException>(() => next.WaitAsync(Timeout));
        Assert.Equal(ErrorCodes.UpstreamTimeout, error.Code);
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_CallerSlowerThanIdleTimeout_StreamCompletes()
    {
        // Backpressure: a slow caller delays the next read; that silence is the caller's, not the upstream's.
        await using var h = await UpstreamHarness.StartAsync(configure: o => o.Timeouts.Idle = TimeSpan.FromSeconds(5));

        var texts = new List<string>();
        await using var e = h.Stream("hello").GetAsyncEnumerator();
        while (await e.MoveNextAsync().AsTask().WaitAsync(Timeout))
        {
            if (e.Current.Text is { } text)
            {
                texts.Add(text);
            }

            if (texts.Count is 1 or 3)
            {
                h.Clock.Advance(TimeSpan.FromSeconds(70));
            }
        }

        Assert.Equal(Answer, texts);
    }

    [Fact]
    public async Task StreamAsync_StallBeyondTotal_TimesOutAtTotal()
    {
        await using var h = await UpstreamHarness.StartAsync(configure: o =>
        {
            o.Timeouts.Idle = TimeSpan.FromSeconds(60);
            o.Timeouts.Total = TimeSpan.FromSeconds(10);
        });
        h.Emulators[0].State.SetScript(["stall-after=3"]);

        await using var e = h.Stream("hello").GetAsyncEnumerator();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await e.MoveNextAsync().AsTask().WaitAsync(Timeout));
        }

        var next = e.MoveNextAsync().AsTask();
        h.Clock.Advance(TimeSpan.FromSeconds(10));
        var error = await Assert.ThrowsAsync<StreamHubException>(() => next.WaitAsync(Timeout));
        Assert.Equal(ErrorCodes.UpstreamTimeout, error.Code);
        Assert.Contains("total limit", error.Message, StringComparison.Ordinal);
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_SlowHeaders_TimesOutAfterFirstToken()
    {
        await using var h = await UpstreamHarness.StartAsync(configure: o =>
        {
            o.Timeouts.FirstToken = TimeSpan.FromSeconds(5);
            o.Retry.MaxAttempts = 1;
        });
        h.Emulators[0].State.SetScript(["header-delay-ms=600000"]);

        var read = UpstreamHarness.ReadAllAsync(h.Stream("hello"));
        await h.WaitForRequestsAsync(0, 1);
        await h.Clock.WaitUntilArmedAsync(TimeSpan.FromSeconds(5));
        h.Clock.Advance(TimeSpan.FromMilliseconds(4900));
        Assert.False(read.IsCompleted);

        h.Clock.Advance(TimeSpan.FromMilliseconds(200));
        var (chunks, error) = await read.WaitAsync(Timeout);
        Assert.Empty(chunks);
        Assert.Equal(ErrorCodes.UpstreamTimeout, error?.Code);
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_HealthyStreamLongerThanPerAttemptTimeouts_Completes()
    {
        await using var h = await UpstreamHarness.StartAsync(time: TimeProvider.System, configure: o =>
        {
            o.Timeouts.Idle = TimeSpan.FromSeconds(1);
            o.Timeouts.FirstToken = TimeSpan.FromSeconds(1);
        });
        h.Emulators[0].State.SetScript(["tps=5 tokens=15"]);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal(EmulatorText.Tokens("hello", 15), UpstreamHarness.Texts(chunks));
    }

    [Fact]
    public async Task StreamAsync_CallerStopsEarly_UpstreamRequestEnds()
    {
        await using var h = await UpstreamHarness.StartAsync();
        h.Emulators[0].State.SetScript(["tps=5 tokens=50"]);

        var texts = new List<string>();
        await foreach (var chunk in h.Stream("hello").WithCancellation(default))
        {
            texts.Add(chunk.Text!);
            if (texts.Count == 2)
            {
                break;
            }
        }

        await h.AssertUpstreamIdleAsync();
        Assert.Equal(1, h.Emulators[0].State.GetStats().AbortedStreams);
    }

    [Fact]
    public async Task StreamAsync_CallerCancelsDuringRead_UpstreamRequestEnds()
    {
        await using var h = await UpstreamHarness.StartAsync();
        h.Emulators[0].State.SetScript(["stall-after=2"]);
        using var cts = new CancellationTokenSource();

        await using var e = h.Stream("hello", cts.Token).GetAsyncEnumerator();
        Assert.True(await e.MoveNextAsync().AsTask().WaitAsync(Timeout));
        Assert.True(await e.MoveNextAsync().AsTask().WaitAsync(Timeout));
        var next = e.MoveNextAsync().AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Timeout));
        await h.AssertUpstreamIdleAsync();
    }

    [Theory]
    [InlineData("dialect=openai", "stop")]
    [InlineData("dialect=vllm", "stop")]
    [InlineData("dialect=deepseek", "stop")]
    [InlineData("dialect=ollama", "stop")]
    [InlineData("crlf", "stop")]
    [InlineData("split-utf8", "stop")]
    [InlineData("split-utf8 crlf dialect=deepseek", "stop")]
    [InlineData("tool-calls", "tool_calls")]
    [InlineData("no-done", "stop")]
    public async Task StreamAsync_Dialect_YieldsExactlyTheAnswer(string fault, string finish)
    {
        await using var h = await UpstreamHarness.StartAsync();
        h.Emulators[0].State.SetScript([fault]);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal(Answer, UpstreamHarness.Texts(chunks));
        var reasons = fault.Contains("deepseek", StringComparison.Ordinal) || fault.Contains("ollama", StringComparison.Ordinal);
        Assert.Equal(reasons ? "Let me think this through." : "", string.Concat(chunks.Select(c => c.Reasoning)));
        Assert.Equal(finish, chunks.Single(c => c.FinishReason is not null).FinishReason);
        Assert.Equal(12, chunks.Last(c => c.Usage is not null).Usage!.CompletionTokens);
    }

    [Fact]
    public async Task StreamAsync_KeepAlives_IgnoredAndStreamCompletes()
    {
        await using var h = await UpstreamHarness.StartAsync();
        h.Emulators[0].State.SetScript(["keepalive-ms=50 tps=8 tokens=4"]);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal(EmulatorText.Tokens("hello", 4), UpstreamHarness.Texts(chunks));
    }

    [Theory]
    [InlineData("dialect=deepseek")]
    [InlineData("dialect=ollama")]
    public async Task StreamAsync_ReasoningDialect_YieldsReasoningThenAnswerWhateverForwardReasoningSays(string fault)
    {
        // Upstream:ForwardReasoning governs only the hub's text Stream; the upstream client yields everything.
        await using var h = await UpstreamHarness.StartAsync(configure: o => o.ForwardReasoning = false);
        h.Emulators[0].State.SetScript([fault]);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal("Let me think this through.", string.Concat(chunks.Select(c => c.Reasoning)));
        Assert.Equal(Answer, UpstreamHarness.Texts(chunks));
        var lastReasoning = chunks.FindLastIndex(c => c.Reasoning is not null);
        var firstText = chunks.FindIndex(c => c.Text is not null);
        Assert.True(lastReasoning < firstText);
    }

    [Fact]
    public async Task StreamAsync_EndsWithoutFinishOrDone_Interrupted()
    {
        await using var h = await UpstreamHarness.StartAsync();
        h.Emulators[0].State.SetScript(["end-after=12"]);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Equal(Answer, UpstreamHarness.Texts(chunks));
        Assert.Equal(ErrorCodes.UpstreamInterrupted, error?.Code);
        Assert.Equal(1, h.RequestCount(0));
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_MidStreamContinueAndDropAfterFour_CallerGetsPartialThenContinuation()
    {
        await using var h = await UpstreamHarness.StartAsync(regions: 2, configure: o => o.MidStream = MidStreamMode.Continue);
        h.Emulators[0].State.SetScript(["drop-after=4"]);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Null(error);
        var texts = UpstreamHarness.Texts(chunks);
        Assert.Equal([.. Answer.Take(4), .. EmulatorText.Tokens(ContinuingStream.ContinuePrompt, 12)], texts);
        Assert.Equal(1, h.RequestCount(0));
        var continued = Assert.Single(h.Emulators[1].State.GetRequests());
        Assert.Equal(
            [new EmulatorMessage("user", "hello"), new EmulatorMessage("assistant", string.Concat(Answer.Take(4))), new EmulatorMessage("user", ContinuingStream.ContinuePrompt)],
            continued.Messages);
        Assert.Single(chunks, c => c.FinishReason is not null);
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_MidStreamContinue_ReportsTheContinuingRegionAsStarted()
    {
        await using var h = await UpstreamHarness.StartAsync(regions: 2, configure: o => o.MidStream = MidStreamMode.Continue);
        h.Emulators[0].State.SetScript(["drop-after=4"]);
        var progress = new StartedRecorder();

        var (_, error) = await UpstreamHarness.ReadAllAsync(h.Client.StreamAsync(UpstreamHarness.Call("hello"), progress, default)).WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal(["r0", "r1"], progress.Regions);
    }

    private sealed class StartedRecorder : IStreamProgress
    {
        public List<string> Regions { get; } = [];

        public ValueTask QueuedAsync(int position) => default;

        public ValueTask StartedAsync(string region)
        {
            Regions.Add(region);
            return default;
        }

        public ValueTask UsageAsync(UsageReport usage) => default;
    }

    [Fact]
    public async Task StreamAsync_MidStreamContinueEveryRegionBreaks_StopsAfterTwoContinuations()
    {
        await using var h = await UpstreamHarness.StartAsync(regions: 2, configure: o => o.MidStream = MidStreamMode.Continue);
        h.Emulators[0].State.SetScript(["drop-after=2", "drop-after=2"]);
        h.Emulators[1].State.SetScript(["drop-after=2"]);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Equal(ErrorCodes.UpstreamInterrupted, error?.Code);
        Assert.Equal(6, UpstreamHarness.Texts(chunks).Count);
        Assert.Equal(2, h.RequestCount(0));
        Assert.Equal(1, h.RequestCount(1));
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_MidStreamFail_NoContinuation()
    {
        await using var h = await UpstreamHarness.StartAsync(regions: 2);
        h.Emulators[0].State.SetScript(["drop-after=4"]);

        var (_, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Equal(ErrorCodes.UpstreamInterrupted, error?.Code);
        Assert.Equal(0, h.RequestCount(1));
    }
}
