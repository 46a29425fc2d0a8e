using System.Globalization;
using StackExchange.Redis;
using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// How a request's events are kept in its Redis Stream (<c>{prefix}:watch:{tenant}:{requestId}</c>): one entry per flush
/// of its writer, holding that flush's events in <c>seq</c> order, each event's fields starting with its <c>s</c>, with
/// short field names so a text token costs two fields:
/// <list type="bullet">
/// <item><c>s</c> = seq (every event); <c>k</c> = the wire type (<c>reasoning</c>, <c>refusal</c>, <c>toolCall</c>,
/// <c>finish</c>, <c>usage</c>), absent for text;</item>
/// <item><c>t</c> = the text of text, reasoning and refusal events;</item>
/// <item>tool call: <c>i</c> = index, <c>id</c> and <c>n</c> (name) on a call's first delta, <c>a</c> = the arguments fragment;</item>
/// <item>finish: <c>f</c> = finish reason, <c>m</c> = the model the upstream reported;</item>
/// <item>usage: <c>pt</c>, <c>ct</c>, <c>tt</c>, <c>cpt</c>, <c>rt</c> (prompt, completion, total, cached prompt and reasoning
/// tokens), <c>um</c> (model), <c>ur</c> (region), <c>c</c> (cost, invariant decimal, absent when unpriced).</item>
/// </list>
/// A member that does not apply (no id after a call's first delta, no cost for an unpriced model) is left out.
/// The request's first entry is its start, a single field <c>o</c> (so the stream, and its expiry, exist from the
/// moment the request is open); its end is the field <c>e</c> (empty on success, else the error code) after the last
/// event of the last entry.
/// </summary>
internal static class WatchEntry
{
    private const string End = "e";
    private const string Start = "o";

    /// <summary>The start entry: carries no event.</summary>
    public static NameValueEntry[] StartOf() => [new(Start, "")];

    /// <summary>Whether <paramref name="entry"/> is the start (no event to decode).</summary>
    public static bool IsStart(StreamEntry entry) => !entry[Start].IsNull;

    /// <summary>
    /// The arguments of <c>XADD key NOMKSTREAM MAXLEN ~ maxEntries * field value ...</c> for <paramref name="fields"/>:
    /// NOMKSTREAM, so an append never re-creates (without its expiry) a stream that is gone.
    /// </summary>
    public static object[] AddArguments(RedisKey key, long maxEntries, List<NameValueEntry> fields)
    {
        var args = new object[6 + (2 * fields.Count)];
        args[0] = key;
        args[1] = "NOMKSTREAM";
        args[2] = "MAXLEN";
        args[3] = "~";
        args[4] = maxEntries;
        args[5] = "*";
        for (var i = 0; i < fields.Count; i++)
        {
            args[6 + (2 * i)] = fields[i].Name;
            args[7 + (2 * i)] = fields[i].Value;
        }

        return args;
    }

    /// <summary>One event as the fields of an entry of its own (the format of a one-event flush).</summary>
    public static NameValueEntry[] Encode(CompletionEvent item)
    {
        var fields = new List<NameValueEntry>(4);
        AddTo(fields, item);
        return [.. fields];
    }

    /// <summary>Appends <paramref name="item"/>'s fields to a flush's entry.</summary>
    public static void AddTo(List<NameValueEntry> fields, CompletionEvent item)
    {
        fields.Add(new("s", item.Seq));
        switch (item.Kind)
        {
            case EventKind.Text:
                fields.Add(new("t", item.Text));
                break;
            case EventKind.Reasoning or EventKind.Refusal:
                fields.Add(new("k", item.Kind == EventKind.Reasoning ? StreamEventTypes.Reasoning : StreamEventTypes.Refusal));
                fields.Add(new("t", item.Text));
                break;
            case EventKind.ToolCall:
                fields.Add(new("k", StreamEventTypes.ToolCall));
                fields.Add(new("i", item.Index));
                Add(fields, "id", item.Id);
                Add(fields, "n", item.Name);
                Add(fields, "a", item.Arguments);
                break;
            case EventKind.Finish:
                fields.Add(new("k", StreamEventTypes.Finish));
                fields.Add(new("f", item.FinishReason));
                Add(fields, "m", item.Model);
                break;
            default:
                AddUsage(fields, item.Usage!);
                break;
        }
    }

    /// <summary>The end entry: <paramref name="code"/> null on success.</summary>
    public static NameValueEntry[] EndOf(string? code) => [EndField(code)];

    /// <summary>The end's field, after the last event of the last entry.</summary>
    public static NameValueEntry EndField(string? code) => new(End, code ?? "");

    /// <summary>Whether <paramref name="entry"/> is the end; <paramref name="code"/> is then null on success.</summary>
    public static bool IsEnd(StreamEntry entry, out string? code)
    {
        var end = entry[End];
        code = end.IsNullOrEmpty ? null : (string?)end;
        return !end.IsNull;
    }

    /// <summary>The events of <paramref name="entry"/> into <paramref name="events"/>; true when it also holds the end.</summary>
    public static bool Read(StreamEntry entry, List<CompletionEvent> events, out string? code)
    {
        var fields = entry.Values.AsSpan();
        code = null;
        var first = -1;
        for (var i = 0; i < fields.Length; i++)
        {
            if (fields[i].Name == "s")
            {
                if (first >= 0)
                {
                    events.Add(Decode(fields[first..i]));
                }

                first = i;
            }
            else if (fields[i].Name == End)
            {
                if (first >= 0)
                {
                    events.Add(Decode(fields[first..i]));
                }

                code = fields[i].Value.IsNullOrEmpty ? null : (string?)fields[i].Value;
                return true;
            }
        }

        if (first >= 0)
        {
            events.Add(Decode(fields[first..]));
        }

        return false;
    }

    /// <summary>The one event of an entry that holds one.</summary>
    public static CompletionEvent Decode(StreamEntry entry) => Decode(entry.Values.AsSpan());

    private static CompletionEvent Decode(ReadOnlySpan<NameValueEntry> e)
    {
        var seq = (long)Get(e, "s");
        var kind = Get(e, "k");
        var item = kind.IsNull ? CompletionEvent.TextOf((string)Get(e, "t")!)
            : (string?)kind switch
            {
                StreamEventTypes.Reasoning => CompletionEvent.ReasoningOf((string)Get(e, "t")!),
                StreamEventTypes.Refusal => CompletionEvent.RefusalOf((string)Get(e, "t")!),
                StreamEventTypes.ToolCall => CompletionEvent.ToolCallOf((int)Get(e, "i"), (string?)Get(e, "id"), (string?)Get(e, "n"), (string?)Get(e, "a")),
                StreamEventTypes.Finish => CompletionEvent.FinishOf((string)Get(e, "f")!, (string?)Get(e, "m")),
                _ => CompletionEvent.UsageOf(new UsageReport(
                    (int)Get(e, "pt"), (int)Get(e, "ct"), (int)Get(e, "tt"), (string)Get(e, "um")!, (string)Get(e, "ur")!,
                    Get(e, "c") is { IsNull: false } cost ? decimal.Parse((string)cost!, CultureInfo.InvariantCulture) : null,
                    (int)Get(e, "cpt"), (int)Get(e, "rt"))),
            };
        return item with { Seq = seq };
    }

    /// <summary>An event's field, null when left out (an event has at most a dozen).</summary>
    private static RedisValue Get(ReadOnlySpan<NameValueEntry> fields, string name)
    {
        foreach (var field in fields)
        {
            if (field.Name == name)
            {
                return field.Value;
            }
        }

        return RedisValue.Null;
    }

    private static void AddUsage(List<NameValueEntry> fields, UsageReport usage)
    {
        fields.Add(new("k", StreamEventTypes.Usage));
        fields.Add(new("pt", usage.PromptTokens));
        fields.Add(new("ct", usage.CompletionTokens));
        fields.Add(new("tt", usage.TotalTokens));
        fields.Add(new("cpt", usage.CachedPromptTokens));
        fields.Add(new("rt", usage.ReasoningTokens));
        fields.Add(new("um", usage.Model));
        fields.Add(new("ur", usage.Region));
        Add(fields, "c", usage.Cost?.ToString(CultureInfo.InvariantCulture));
    }

    // Redis rejects a null field value: members that do not apply are left out, and read back as null.
    private static void Add(List<NameValueEntry> fields, string name, string? value)
    {
        if (value is not null)
        {
            fields.Add(new(name, value));
        }
    }
}
