using StreamHub.Contracts;
using StreamHub.Streaming;
using StreamHub.Upstream;

namespace StreamHub.Tests.Streaming;

/// <summary>What a survivor does with a dead instance's resumable request, from the events its watch stream kept.</summary>
public sealed class ResumableTakeoverTests
{
    private static readonly CompletionRequest Original = new(
        "r1", [new ChatMessage("system", "brief"), new ChatMessage("user", "question")], "m", Priority.High, 10, 0.5, "g", Resumable: true);

    [Fact]
    public void Continuation_NothingWrittenYet_IsTheOriginalRequest()
    {
        var request = ResumableTakeover.Continuation(Original, []);

        Assert.Equal(Original.Messages, request.Messages);
        Assert.Equal(10, request.MaxTokens);
        Assert.False(request.Resumable);
    }

    [Fact]
    public void Continuation_PartialAnswerWritten_AsksToContinueItWithinTheTokensLeft()
    {
        var request = ResumableTakeover.Continuation(Original, Numbered(Text("The"), Text(" answer"), Text(" is")));

        Assert.Equal(
            [("system", "brief"), ("user", "question"), ("assistant", "The answer is"), ("user", ContinuingStream.ContinuePrompt)],
            request.Messages.Select(m => (m.Role, m.Content)));
        Assert.Equal(7, request.MaxTokens);
        Assert.Equal(("r1", "m", Priority.High, "g"), (request.RequestId, request.Model, request.Priority, request.Group));
    }

    [Fact]
    public void Continuation_ReasoningBeforeTheText_ContinuesTheTextAlone()
    {
        var request = ResumableTakeover.Continuation(
            Original, Numbered(CompletionEvent.ReasoningOf("Let"), CompletionEvent.ReasoningOf(" me"), Text("The"), Text(" answer")));

        Assert.Equal("The answer", request.Messages[^2].Content);
        Assert.Equal(8, request.MaxTokens);
    }

    [Fact]
    public void CanContinue_NothingKept_StartsOver()
    {
        Assert.True(ResumableTakeover.CanContinue([], out _));
    }

    [Fact]
    public void CanContinue_TextAfterReasoning_GoesOn()
    {
        Assert.True(ResumableTakeover.CanContinue(Numbered(CompletionEvent.ReasoningOf("Let"), Text("The")), out _));
    }

    [Fact]
    public void CanContinue_ToolCallKept_EndsUpstreamInterrupted()
    {
        var kept = Numbered(Text("Looking"), CompletionEvent.ToolCallOf(0, "call_1", "lookup", "{\"q\":"));

        Assert.False(ResumableTakeover.CanContinue(kept, out var code));
        Assert.Equal(ErrorCodes.UpstreamInterrupted, code);
    }

    [Fact]
    public void CanContinue_RefusalKept_EndsUpstreamInterrupted()
    {
        Assert.False(ResumableTakeover.CanContinue(Numbered(CompletionEvent.RefusalOf("I'm sorry")), out var code));
        Assert.Equal(ErrorCodes.UpstreamInterrupted, code);
    }

    [Fact]
    public void CanContinue_ReasoningWithoutText_EndsUpstreamInterrupted()
    {
        Assert.False(ResumableTakeover.CanContinue(Numbered(CompletionEvent.ReasoningOf("Let"), CompletionEvent.ReasoningOf(" me")), out var code));
        Assert.Equal(ErrorCodes.UpstreamInterrupted, code);
    }

    [Fact]
    public void CanContinue_StartTrimmed_EndsUpstreamInterrupted()
    {
        Assert.False(ResumableTakeover.CanContinue([Text("lost") with { Seq = 5 }, Text(" start") with { Seq = 6 }], out var code));
        Assert.Equal(ErrorCodes.UpstreamInterrupted, code);
    }

    [Fact]
    public void CanContinue_FinishKept_EndsTheWholeAnswerAsASuccess()
    {
        Assert.False(ResumableTakeover.CanContinue(Numbered(Text("Done"), CompletionEvent.FinishOf(FinishReasons.Stop, "m")), out var code));
        Assert.Null(code);
    }

    private static CompletionEvent Text(string text) => CompletionEvent.TextOf(text);

    private static CompletionEvent[] Numbered(params CompletionEvent[] events)
        => [.. events.Select((item, i) => item with { Seq = i + 1 })];
}
