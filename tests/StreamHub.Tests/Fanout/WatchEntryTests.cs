using StackExchange.Redis;
using StreamHub.Contracts;
using StreamHub.Fanout;

namespace StreamHub.Tests.Fanout;

/// <summary>Every kind of event survives its Redis Stream entry exactly, alone or with others in one entry, and a text token costs two fields.</summary>
public sealed class WatchEntryTests
{
    private static readonly string[] AllKinds = ["text", "reasoning", "refusal", "first delta", "fragment", "finish", "finish without model", "usage", "usage unpriced"];

    public static TheoryData<string> Kinds => new(AllKinds);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Decode_EncodedEvent_IsTheSameEvent(string kind)
    {
        var item = Sample(kind) with { Seq = 42 };

        var decoded = WatchEntry.Decode(new StreamEntry("1-0", WatchEntry.Encode(item)));

        Assert.Equal(item.ToWire(), decoded.ToWire());
        Assert.False(WatchEntry.IsEnd(new StreamEntry("1-0", WatchEntry.Encode(item)), out _));
    }

    [Fact]
    public void Encode_Text_IsSeqAndTextOnly()
        => Assert.Equal([new NameValueEntry("s", 7), new NameValueEntry("t", "hi")], WatchEntry.Encode(CompletionEvent.TextOf("hi") with { Seq = 7 }));

    [Theory]
    [InlineData(null)]
    [InlineData(ErrorCodes.UpstreamInterrupted)]
    public void IsEnd_EndEntry_GivesTheCode(string? code)
    {
        Assert.True(WatchEntry.IsEnd(new StreamEntry("9-0", WatchEntry.EndOf(code)), out var read));
        Assert.Equal(code, read);
    }

    [Fact]
    public void Read_OneEntryOfSeveralEventsAndTheEnd_GivesEachEventInOrderThenTheEnd()
    {
        var items = AllKinds.Select((kind, i) => Sample(kind) with { Seq = i + 1 }).ToList();
        var fields = new List<NameValueEntry>();
        items.ForEach(item => WatchEntry.AddTo(fields, item));
        fields.Add(WatchEntry.EndField(ErrorCodes.UpstreamError));
        var read = new List<CompletionEvent>();

        Assert.True(WatchEntry.Read(new StreamEntry("3-0", [.. fields]), read, out var code));

        Assert.Equal(items.Select(i => i.ToWire()), read.Select(i => i.ToWire()));
        Assert.Equal(ErrorCodes.UpstreamError, code);
    }

    [Fact]
    public void Read_StartEntry_HoldsNoEventAndNoEnd()
    {
        var read = new List<CompletionEvent>();

        Assert.False(WatchEntry.Read(new StreamEntry("1-0", WatchEntry.StartOf()), read, out _));
        Assert.Empty(read);
    }

    private static CompletionEvent Sample(string kind) => kind switch
    {
        "text" => CompletionEvent.TextOf("Hello"),
        "reasoning" => CompletionEvent.ReasoningOf("Let me think"),
        "refusal" => CompletionEvent.RefusalOf("I can't"),
        "first delta" => CompletionEvent.ToolCallOf(2, "call_9", "get_weather", null),
        "fragment" => CompletionEvent.ToolCallOf(2, null, null, "{\"city\":"),
        "finish" => CompletionEvent.FinishOf("tool_calls", "gpt-4o-2024-08-06"),
        "finish without model" => CompletionEvent.FinishOf("stop", null),
        "usage" => CompletionEvent.UsageOf(new UsageReport(10, 20, 30, "m", "eu", 0.000123m, 4, 5)),
        _ => CompletionEvent.UsageOf(new UsageReport(10, 20, 30, "m", "eu", null)),
    };
}
