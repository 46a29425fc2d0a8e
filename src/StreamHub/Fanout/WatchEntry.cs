using System.Globalization;
using StackExchange.Redis;
using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// How a request's events are kept in its Redis Stream (<c>{prefix}:watch:{requestId}</c>): one entry per event,
/// in <c>seq</c> order, with short field names so a text token costs two fields:
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
/// moment the request is open); its last entry is its end: a single field <c>e</c>, empty on success, else the
/// error code.
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
    /// The arguments of <c>XADD key NOMKSTREAM MAXLEN ~ maxLength * field value ...</c> for <paramref name="fields"/>:
    /// NOMKSTREAM, so an append never re-creates (without its expiry) a stream that is gone.
    /// </summary>
    public static object[] AddArguments(RedisKey key, int maxLength, NameValueEntry[] fields)
    {
        var args = new object[6 + (2 * fields.Length)];
        args[0] = key;
        args[1] = "NOMKSTREAM";
        args[2] = "MAXLEN";
        args[3] = "~";
        args[4] = maxLength;
        args[5] = "*";
        for (var i = 0; i < fields.Length; i++)
        {
            args[6 + (2 * i)] = fields[i].Name;
            args[7 + (2 * i)] = fields[i].Value;
        }

        return args;
    }

    public static NameValueEntry[] Encode(CompletionEvent item) => item.Kind switch
    {
        EventKind.Text => [new("s", item.Seq), new("t", item.Text)],
        EventKind.Reasoning => [new("s", item.Seq), new("k", StreamEventTypes.Reasoning), new("t", item.Text)],
        EventKind.Refusal => [new("s", item.Seq), new("k", StreamEventTypes.Refusal), new("t", item.Text)],
        EventKind.ToolCall => ToolCall(item),
        EventKind.Finish => item.Model is { } model
            ? [new("s", item.Seq), new("k", StreamEventTypes.Finish), new("f", item.FinishReason), new("m", model)]
            : [new("s", item.Seq), new("k", StreamEventTypes.Finish), new("f", item.FinishReason)],
        _ => Usage(item.Seq, item.Usage!),
    };

    /// <summary>The end entry: <paramref name="code"/> null on success.</summary>
    public static NameValueEntry[] EndOf(string? code) => [new(End, code ?? "")];

    /// <summary>Whether <paramref name="entry"/> is the end; <paramref name="code"/> is then null on success.</summary>
    public static bool IsEnd(StreamEntry entry, out string? code)
    {
        var end = entry[End];
        code = end.IsNullOrEmpty ? null : (string?)end;
        return !end.IsNull;
    }

    public static CompletionEvent Decode(StreamEntry entry)
    {
        var seq = (long)entry["s"];
        var kind = entry["k"];
        var item = kind.IsNull ? CompletionEvent.TextOf((string)entry["t"]!)
            : (string?)kind switch
            {
                StreamEventTypes.Reasoning => CompletionEvent.ReasoningOf((string)entry["t"]!),
                StreamEventTypes.Refusal => CompletionEvent.RefusalOf((string)entry["t"]!),
                StreamEventTypes.ToolCall => CompletionEvent.ToolCallOf((int)entry["i"], (string?)entry["id"], (string?)entry["n"], (string?)entry["a"]),
                StreamEventTypes.Finish => CompletionEvent.FinishOf((string)entry["f"]!, (string?)entry["m"]),
                _ => CompletionEvent.UsageOf(new UsageReport(
                    (int)entry["pt"], (int)entry["ct"], (int)entry["tt"], (string)entry["um"]!, (string)entry["ur"]!,
                    entry["c"] is { IsNull: false } cost ? decimal.Parse((string)cost!, CultureInfo.InvariantCulture) : null,
                    (int)entry["cpt"], (int)entry["rt"])),
            };
        return item with { Seq = seq };
    }

    // Redis rejects a null field value: members that do not apply are left out, and read back as null.
    private static NameValueEntry[] ToolCall(CompletionEvent item)
    {
        var fields = new List<NameValueEntry>(6) { new("s", item.Seq), new("k", StreamEventTypes.ToolCall), new("i", item.Index) };
        Add(fields, "id", item.Id);
        Add(fields, "n", item.Name);
        Add(fields, "a", item.Arguments);
        return [.. fields];
    }

    private static NameValueEntry[] Usage(long seq, UsageReport usage)
    {
        var fields = new List<NameValueEntry>(10)
        {
            new("s", seq), new("k", StreamEventTypes.Usage),
            new("pt", usage.PromptTokens), new("ct", usage.CompletionTokens), new("tt", usage.TotalTokens),
            new("cpt", usage.CachedPromptTokens), new("rt", usage.ReasoningTokens),
            new("um", usage.Model), new("ur", usage.Region),
        };
        Add(fields, "c", usage.Cost?.ToString(CultureInfo.InvariantCulture));
        return [.. fields];
    }

    private static void Add(List<NameValueEntry> fields, string name, string? value)
    {
        if (value is not null)
        {
            fields.Add(new(name, value));
        }
    }
}
