namespace StreamHub.Contracts;

/// <summary>
/// One event of a request inside StreamHub: what the pipeline yields, the fan-out numbers and the watch
/// stores keep. A struct of three references and two numbers, so a text event costs its text and nothing
/// else; the rare members (a call's id and name, the finish model, the usage) share one reference.
/// <see cref="StreamEvent"/> is its wire form.
/// </summary>
internal readonly record struct CompletionEvent
{
    // ToolCallHead for a call's first delta, the model (string) for finish, UsageReport for usage.
    private readonly object? _detail;

    private CompletionEvent(EventKind kind, string? text, int index, object? detail)
    {
        Kind = kind;
        Text = text;
        Index = index;
        _detail = detail;
    }

    /// <summary>The event's number within its request, from 1; 0 until the fan-out numbers it.</summary>
    public long Seq { get; init; }

    public EventKind Kind { get; }

    /// <summary>The text of a text, reasoning or refusal event, a tool call's argument fragment, or the finish reason.</summary>
    public string? Text { get; }

    /// <summary>The tool call's index (parallel calls have one each).</summary>
    public int Index { get; }

    /// <summary>Text, reasoning, refusal or a tool call: something the model said (what the first-token rule counts).</summary>
    public bool IsContent => Kind <= EventKind.ToolCall;

    public string? Id => (_detail as ToolCallHead)?.Id;

    public string? Name => (_detail as ToolCallHead)?.Name;

    public string? Arguments => Kind == EventKind.ToolCall ? Text : null;

    public string? FinishReason => Kind == EventKind.Finish ? Text : null;

    public string? Model => Kind == EventKind.Finish ? _detail as string : null;

    public UsageReport? Usage => _detail as UsageReport;

    public static CompletionEvent TextOf(string text) => new(EventKind.Text, text, 0, null);

    public static CompletionEvent ReasoningOf(string text) => new(EventKind.Reasoning, text, 0, null);

    public static CompletionEvent RefusalOf(string text) => new(EventKind.Refusal, text, 0, null);

    /// <param name="id">The call's id, on its first delta only.</param>
    /// <param name="name">The function's name, on the call's first delta only.</param>
    /// <param name="arguments">The next fragment of the call's arguments, if this delta carries one.</param>
    public static CompletionEvent ToolCallOf(int index, string? id, string? name, string? arguments)
        => new(EventKind.ToolCall, arguments, index, id is null && name is null ? null : new ToolCallHead(id, name));

    /// <param name="model">The model the upstream reported (often a dated variant of the name asked for).</param>
    public static CompletionEvent FinishOf(string reason, string? model) => new(EventKind.Finish, reason, 0, model);

    public static CompletionEvent UsageOf(UsageReport usage) => new(EventKind.Usage, null, 0, usage);

    /// <summary>The wire form clients receive.</summary>
    public StreamEvent ToWire() => Kind switch
    {
        EventKind.Text => new() { Seq = Seq, Type = StreamEventTypes.Text, Text = Text },
        EventKind.Reasoning => new() { Seq = Seq, Type = StreamEventTypes.Reasoning, Text = Text },
        EventKind.Refusal => new() { Seq = Seq, Type = StreamEventTypes.Refusal, Text = Text },
        EventKind.ToolCall => new() { Seq = Seq, Type = StreamEventTypes.ToolCall, Index = Index, Id = Id, Name = Name, Arguments = Text },
        EventKind.Finish => new() { Seq = Seq, Type = StreamEventTypes.Finish, FinishReason = Text, Model = Model },
        _ => new() { Seq = Seq, Type = StreamEventTypes.Usage, Usage = Usage },
    };

    private sealed record ToolCallHead(string? Id, string? Name);
}
