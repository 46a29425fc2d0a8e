using StreamHub.Contracts;
using StreamHub.Fanout;

namespace StreamHub.Tests.Fanout;

/// <summary>
/// A watch buffer's packed events: what goes in comes out (texts across block boundaries, longer than a block, empty;
/// every other kind of event as it was), and dropping the oldest gives their blocks back.
/// </summary>
public sealed class PackedEventsTests
{
    [Fact]
    public void Indexer_TextsAcrossBlocksAndOtherEvents_ComeBackAsAdded()
    {
        var events = new PackedEvents();
        var added = new List<CompletionEvent>();
        var random = new Random(7);
        for (var i = 0; i < 2_000; i++)
        {
            var item = (i % 97) switch
            {
                0 => CompletionEvent.ToolCallOf(i % 3, "call_" + i, "lookup", "{\"q\":" + i + "}"),
                1 => CompletionEvent.ReasoningOf("thinking " + i),
                2 => CompletionEvent.TextOf(""),
                3 => CompletionEvent.TextOf(new string('é', 5_000 + i)), // longer than a block
                _ => CompletionEvent.TextOf(new string((char)('a' + (i % 26)), random.Next(1, 40)) + " ☃ " + i),
            };
            events.Add(item);
            added.Add(item);
        }

        Assert.Equal(added.Count, events.Count);
        for (var i = 0; i < added.Count; i++)
        {
            Assert.Equal(added[i], events[i]);
        }
    }

    [Fact]
    public void DropOldest_LongAnswerTrimmedAsItGrows_KeepsTheNewestAndGivesBlocksBack()
    {
        var events = new PackedEvents();
        const int keep = 1_000;
        for (var seq = 1; seq <= 100_000; seq++)
        {
            events.Add(CompletionEvent.TextOf("token " + seq));
            if (events.Count > keep)
            {
                events.DropOldest((keep / 10) + 1);
            }
        }

        Assert.InRange(events.Count, keep - (keep / 10), keep);
        Assert.Equal("token 100000", events[events.Count - 1].Text);
        Assert.Equal("token " + (100_001 - events.Count), events[0].Text);

        // About 12 characters per token are kept: the blocks held stay near what the kept tokens need, not what all
        // 100,000 used (about 1.2 million characters).
        Assert.InRange(events.BlockChars, keep * 9, (keep * 12) + (3 * 4_096));
    }

    [Fact]
    public void DropOldest_Everything_LeavesNothingAndAcceptsMore()
    {
        var events = new PackedEvents();
        events.Add(CompletionEvent.TextOf("one"));
        events.Add(CompletionEvent.FinishOf("stop", "m"));
        events.DropOldest(5);

        Assert.Equal(0, events.Count);
        events.Add(CompletionEvent.TextOf("two"));
        Assert.Equal("two", Assert.Single(Enumerable.Range(0, events.Count).Select(i => events[i])).Text);
    }
}
