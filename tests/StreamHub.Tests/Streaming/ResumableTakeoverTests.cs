using StreamHub.Contracts;
using StreamHub.Fanout;
using StreamHub.Streaming;
using StreamHub.Upstream;

namespace StreamHub.Tests.Streaming;

/// <summary>What a survivor asks the upstream when it finishes a dead instance's resumable request.</summary>
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
        var request = ResumableTakeover.Continuation(Original, [Text(1, "The"), Text(2, " answer"), Text(3, " is")]);

        Assert.Equal(
            [("system", "brief"), ("user", "question"), ("assistant", "The answer is"), ("user", ContinuingStream.ContinuePrompt)],
            request.Messages.Select(m => (m.Role, m.Content)));
        Assert.Equal(7, request.MaxTokens);
        Assert.Equal(("r1", "m", Priority.High, "g"), (request.RequestId, request.Model, request.Priority, request.Group));
    }

    private static CompletionEvent Text(long seq, string text) => CompletionEvent.TextOf(text) with { Seq = seq };
}
