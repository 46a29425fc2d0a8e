using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StreamHub.Cli;

/// <summary>
/// The text of one <c>/admin/stats</c> snapshot. It reads the JSON by name and shows what is there, so a field a
/// newer StreamHub adds or an older one lacks never breaks the view.
/// </summary>
internal static class StatsView
{
    public static string Render(JsonElement stats, Ansi ansi)
    {
        var text = new StringBuilder();
        var instance = stats.Get("instance");
        text.AppendLine(Invariant($"{ansi.Bold}StreamHub{ansi.Reset} {instance.Text("machineName")}/{instance.Text("instanceId")} · {Time(stats.Text("at"))}"));

        var pool = stats.Get("pool");
        Row(text, "pool", Invariant($"{pool.Number("active")}/{pool.Number("size")} permits ({pool.Number("utilization") * 100:0}%), {pool.Number("activeStreams")} streaming, backpressure {(pool.Flag("backpressure") ? ansi.Red + "ON" + ansi.Reset : "off")} (limit {pool.Number("backpressureLimit")})"));

        var queues = stats.Get("queues");
        Row(text, "queues", Invariant($"critical {queues.Number("critical")} · high {queues.Number("high")} · normal {queues.Number("normal")} · low {queues.Number("low")}"));

        var totals = stats.Get("totals");
        Row(text, "requests", Invariant($"admitted {totals.Number("admitted")} · completed {totals.Number("completed")} · canceled {totals.Number("canceled")} · tokens {totals.Number("tokens"):N0}"));
        Row(text, "failed", Counts(totals.Get("failed")));
        Row(text, "rejected", Counts(totals.Get("rejected")));
        Row(text, "ttft ms", Percentiles(stats.Get("timeToFirstTokenMs")));
        Row(text, "duration ms", Percentiles(stats.Get("durationMs")));
        Row(text, "tokens/s", Invariant($"{stats.Number("tokensPerSecond"):0.0}"));

        if (stats.Get("tenants") is { ValueKind: JsonValueKind.Array } tenants && tenants.GetArrayLength() > 0)
        {
            text.AppendLine($"{ansi.Dim}tenants{ansi.Reset}");
            foreach (var tenant in tenants.EnumerateArray())
            {
                text.AppendLine(Invariant($"  {tenant.Text("tenant"),-16} {tenant.Number("requests"),6} requests {tenant.Number("totalTokens"),10:N0} tokens  cost {tenant.Number("cost"):0.######}"));
            }
        }

        return text.ToString();

        void Row(StringBuilder target, string label, string value) => target.AppendLine($"{ansi.Dim}{label,-12}{ansi.Reset}{value}");
    }

    private static string Counts(JsonElement counts)
    {
        if (counts.ValueKind != JsonValueKind.Object)
        {
            return "none";
        }

        var parts = new List<string>();
        foreach (var property in counts.EnumerateObject())
        {
            parts.Add(Invariant($"{property.Name} {property.Value}"));
        }

        return parts.Count == 0 ? "none" : string.Join(" · ", parts);
    }

    private static string Percentiles(JsonElement value) => value.ValueKind != JsonValueKind.Object || value.Number("count") == 0
        ? "no streams yet"
        : Invariant($"p50 {value.Number("p50"):0} · p95 {value.Number("p95"):0} · p99 {value.Number("p99"):0} (n={value.Number("count")})");

    /// <summary>A timestamp as the time of day in UTC; anything else as it came.</summary>
    private static string Time(string value) => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
        ? at.UtcDateTime.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)
        : value;

    private static JsonElement Get(this JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string Text(this JsonElement element, string name) => element.Get(name) switch
    {
        { ValueKind: JsonValueKind.String } value => value.GetString() ?? "",
        { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => "?",
        var value => value.GetRawText(),
    };

    private static double Number(this JsonElement element, string name)
        => element.Get(name) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : 0;

    private static bool Flag(this JsonElement element, string name) => element.Get(name).ValueKind == JsonValueKind.True;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
