using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Fanout;
using StreamHub.Streaming;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Fanout.FanoutTestKit;

namespace StreamHub.Tests.Fanout;

/// <summary>Groups, watch and resume on one instance, in memory (no Redis configured).</summary>
public sealed class FanoutTests(FanoutTests.SharedServer shared) : IClassFixture<FanoutTests.SharedServer>, IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Stream_WithGroup_EveryMemberGetsEveryTokenInOrderThenCompleted()
    {
        await using var member = await HubCaller.ConnectAsync(_server, KeyA);
        await member.JoinGroupAsync("support-42");
        await using var caller = await _server.ConnectAsync(KeyA);

        var tokens = await Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "g1", Prompt = "group answer", MaxTokens = 15, Group = "support-42" });

        var (seqs, text, code) = await member.GroupCompletedAsync("g1");
        Assert.Null(code);
        Assert.Equal(Enumerable.Range(1, 15).Select(i => (long)i), seqs);
        Assert.Equal(string.Concat(tokens), text);
    }

    [Fact]
    public async Task StreamEvents_WithGroup_MembersGetTextAsGroupTokenAndEveryOtherEventAsGroupEvent()
    {
        await using var member = await _server.ConnectAsync(KeyA);
        var group = new GroupRecorder(member);
        await member.InvokeAsync("JoinGroup", "agents").WaitAsync(StreamHubServer.Timeout);
        await using var caller = await _server.ConnectAsync(KeyA);

        var events = await StreamEventKit.ReadEventsAsync(
            caller, new StreamRequest { RequestId = "ge1", Prompt = "[emulator: tokens=2 tools=2 reasoning=2] group tools", Group = "agents" });

        var (_, _, code) = await group.CompletedAsync("ge1");
        Assert.Null(code);
        Assert.Equal(events, group.Events("ge1"));
        Assert.Equal(events.Where(e => e.Type != StreamEventTypes.Text).Select(e => e.Seq), group.GroupEventSeqs("ge1"));
    }

    [Fact]
    public async Task Watch_ToolCallRequest_ReplaysEveryEventAsTheCallerGotIt()
    {
        await using var caller = await _server.ConnectAsync(KeyA);
        var events = await StreamEventKit.ReadEventsAsync(caller, new StreamRequest { RequestId = "we1", Prompt = StreamEventKit.ToolPrompt });
        await using var watcher = await _server.ConnectAsync(KeyA);

        var replayed = await WatchAllAsync(watcher, "we1", 0);
        var rest = await WatchAllAsync(watcher, "we1", 4);

        Assert.Equal(events, replayed);
        Assert.Equal(events.Skip(4), rest);
    }

    [Fact]
    public async Task JoinGroup_SameNameOtherTenant_GetsNothing()
    {
        await using var outsider = await HubCaller.ConnectAsync(_server, KeyB);
        await outsider.JoinGroupAsync("shared-name");
        await using var insider = await HubCaller.ConnectAsync(_server, KeyA);
        await insider.JoinGroupAsync("shared-name");
        await using var caller = await _server.ConnectAsync(KeyA);

        await Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "iso1", Prompt = "private", MaxTokens = 4, Group = "shared-name" });

        await insider.GroupCompletedAsync("iso1");
        Assert.False(outsider.SawGroupMessages("iso1"));
    }

    [Fact]
    public async Task JoinGroup_BadName_AnswersInvalidRequest()
    {
        await using var member = await _server.ConnectAsync(KeyA);

        var error = await Assert.ThrowsAsync<HubException>(() => member.InvokeAsync("JoinGroup", "no spaces allowed"));

        Assert.StartsWith("invalid_request: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_FromZero_ReplaysThenTailsTheWholeAnswer()
    {
        await using var caller = await _server.ConnectAsync(KeyA);
        var reader = await caller.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "w1", Prompt = "[emulator: tps=40 tokens=30] watched" });
        for (var i = 0; i < 5; i++)
        {
            await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
        }

        await using var watcher = await _server.ConnectAsync(KeyA);
        var items = await Streams.WatchAllAsync(watcher, "w1", 0);

        Assert.Equal(Enumerable.Range(1, 32).Select(i => (long)i), items.Select(i => i.Seq));
        Assert.Equal([StreamEventTypes.Finish, StreamEventTypes.Usage], items.Skip(30).Select(i => i.Type));
        Assert.Equal(EmulatorText.Text("watched", 30), string.Concat(items.Select(i => i.Text)));
    }

    [Fact]
    public async Task Watch_AfterSeqK_ResumesWithNoGapAndNoDuplicate()
    {
        await using var caller = await _server.ConnectAsync(KeyA);
        await Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "w2", Prompt = "resume me", MaxTokens = 20 });
        await using var watcher = await _server.ConnectAsync(KeyA);

        var first = (await Streams.WatchAllAsync(watcher, "w2", 0)).Take(7).ToList();
        var rest = await Streams.WatchAllAsync(watcher, "w2", 7);

        Assert.Equal(EmulatorText.Text("resume me", 20), string.Concat(first.Concat(rest).Select(i => i.Text)));
        Assert.Equal(8, rest[0].Seq);
    }

    [Fact]
    public async Task Watch_OtherTenant_AnswersAsForAnIdThatNeverRan()
    {
        await using var caller = await _server.ConnectAsync(KeyA);
        await Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "w3", Prompt = "mine", MaxTokens = 3 });
        await using var other = await _server.ConnectAsync(KeyB);

        var error = await Assert.ThrowsAsync<HubException>(() => Streams.WatchAllAsync(other, "w3", 0));
        var never = await Assert.ThrowsAsync<HubException>(() => Streams.WatchAllAsync(other, "w3never", 0));

        Assert.StartsWith("invalid_request: no request w3 is known here", error.Message, StringComparison.Ordinal);
        Assert.Equal(never.Message.Replace("w3never", "w3", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public async Task Watch_FailedRequest_EndsWithItsCode()
    {
        await using var caller = await _server.ConnectAsync(KeyA);
        await Assert.ThrowsAsync<HubException>(() => Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "w4", Prompt = "[emulator: drop-after=3] broken" }));
        await using var watcher = await _server.ConnectAsync(KeyA);

        var error = await Assert.ThrowsAsync<HubException>(() => Streams.WatchAllAsync(watcher, "w4", 0));

        Assert.StartsWith("upstream_interrupted: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_ResumableCallerDisconnects_RestArrivesThroughWatch()
    {
        var caller = await _server.ConnectAsync(KeyA);
        var reader = await caller.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "r1", Prompt = "[emulator: tps=50 tokens=40] phone", Resumable = true });
        var seen = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            seen.Add(await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout));
        }

        await caller.DisposeAsync();
        await using var back = await _server.ConnectAsync(KeyA);
        var rest = await Streams.WatchAllAsync(back, "r1", 5);

        Assert.Equal(EmulatorText.Text("phone", 40), string.Concat(seen) + string.Concat(rest.Select(i => i.Text)));
        await _server.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task Stream_NotResumableCallerDisconnects_UpstreamEndsAtOnce()
    {
        var caller = await _server.ConnectAsync(KeyA);
        var reader = await caller.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "r2", Prompt = "[emulator: tps=10 tokens=400] phone" });
        await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);

        await caller.DisposeAsync();

        await _server.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task Stream_ResumableCallerCancels_UpstreamEndsAtOnce()
    {
        await using var caller = await _server.ConnectAsync(KeyA);
        using var cancel = new CancellationTokenSource();
        var reader = await caller.StreamAsChannelAsync<StreamEvent>(
            "StreamEvents", new StreamRequest { RequestId = "r3", Prompt = "[emulator: tps=10 tokens=400] phone", Resumable = true }, cancel.Token);
        await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);

        await cancel.CancelAsync();

        await _server.AssertUpstreamIdleAsync();
        Assert.Equal(HubConnectionState.Connected, caller.State);
    }

    /// <summary>Forwards to <see cref="FanoutTestKit.TenantSettings"/>: kept so tests written against this name still compile; use that.</summary>
    internal static Dictionary<string, string?> TenantSettings() => FanoutTestKit.TenantSettings();

    /// <summary>
    /// One server: the tests use their own request ids and group names, and the two that leave a stream
    /// running wait until the upstream is idle.
    /// </summary>
    public sealed class SharedServer() : SharedStreamHub(FanoutTestKit.TenantSettings());

    internal static async Task<List<StreamEvent>> WatchAllAsync(HubConnection connection, string requestId, long afterSeq)
    {
        var reader = await connection.StreamAsChannelAsync<StreamEvent>("Watch", requestId, afterSeq).WaitAsync(StreamHubServer.Timeout);
        return await Streams.ReadToEndAsync(reader);
    }

    /// <summary>Records GroupToken, GroupEvent and GroupCompleted messages per request.</summary>
    internal sealed class GroupRecorder
    {
        private readonly ConcurrentDictionary<string, ConcurrentQueue<(long Seq, string Text)>> _tokens = new();
        private readonly ConcurrentDictionary<string, ConcurrentQueue<(StreamEvent Item, bool AsGroupEvent)>> _events = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource<string?>> _completed = new();

        public GroupRecorder(HubConnection connection)
        {
            connection.On<string, string, long, string>(nameof(IStreamClient.GroupToken), (_, id, seq, text) =>
            {
                _tokens.GetOrAdd(id, _ => new()).Enqueue((seq, text));
                _events.GetOrAdd(id, _ => new()).Enqueue((new StreamEvent { Seq = seq, Text = text }, false));
            });
            connection.On<string, string, StreamEvent>(nameof(IStreamClient.GroupEvent), (_, id, item) => _events.GetOrAdd(id, _ => new()).Enqueue((item, true)));
            connection.On<string, string, string?>(nameof(IStreamClient.GroupCompleted), (_, id, code) => Completion(id).TrySetResult(code));
        }

        /// <summary>Every event of the request as the member received it, text from GroupToken, the rest from GroupEvent.</summary>
        public List<StreamEvent> Events(string requestId) => _events.TryGetValue(requestId, out var queue) ? [.. queue.Select(e => e.Item)] : [];

        /// <summary>The seqs that came as GroupEvent.</summary>
        public List<long> GroupEventSeqs(string requestId) => _events.TryGetValue(requestId, out var queue) ? [.. queue.Where(e => e.AsGroupEvent).Select(e => e.Item.Seq)] : [];

        public bool Seen(string requestId) => _tokens.ContainsKey(requestId) || _completed.ContainsKey(requestId);

        public async Task<(List<long> Seqs, string Text, string? Code)> CompletedAsync(string requestId)
        {
            var code = await Completion(requestId).Task.WaitAsync(StreamHubServer.Timeout);
            var tokens = _tokens.TryGetValue(requestId, out var queue) ? queue.ToList() : [];
            return (tokens.Select(t => t.Seq).ToList(), string.Concat(tokens.Select(t => t.Text)), code);
        }

        private TaskCompletionSource<string?> Completion(string id) => _completed.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
