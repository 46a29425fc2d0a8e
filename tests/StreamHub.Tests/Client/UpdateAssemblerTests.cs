using Microsoft.Extensions.AI;
using StreamHub.Client;

namespace StreamHub.Tests.Client;

/// <summary>Hub events as Microsoft.Extensions.AI updates.</summary>
public sealed class UpdateAssemblerTests
{
    [Fact]
    public void Add_TextAndReasoning_PassOnAtOnceWithTheRequestIdAsResponseId()
    {
        var assembler = new UpdateAssembler("r1");

        var reasoning = assembler.Add(new StreamHubEvent { Seq = 1, Type = "reasoning", Text = "hmm" });
        var text = assembler.Add(new StreamHubEvent { Seq = 2, Type = "text", Text = "Hello" });
        var legacy = assembler.Add(new StreamHubEvent { Seq = 3, Text = " world" });

        Assert.Equal("hmm", Assert.IsType<TextReasoningContent>(Assert.Single(reasoning!.Contents)).Text);
        Assert.Equal("Hello", Assert.IsType<TextContent>(Assert.Single(text!.Contents)).Text);
        Assert.Equal(" world", legacy!.Text);
        Assert.All(new[] { reasoning, text, legacy }, u => Assert.Equal(("r1", ChatRole.Assistant), (u.ResponseId, u.Role!.Value)));
        Assert.Null(assembler.Complete());
    }

    [Fact]
    public void Complete_ToolCallFragmentsUsageAndFinish_OneFinalUpdateWithWholeCalls()
    {
        var assembler = new UpdateAssembler("r2");
        StreamHubEvent[] events =
        [
            new() { Seq = 1, Type = "toolCall", Index = 1, Id = "call_b", Name = "second", Arguments = "{\"n\":" },
            new() { Seq = 2, Type = "toolCall", Index = 0, Id = "call_a", Name = "first", Arguments = "{\"city\":" },
            new() { Seq = 3, Type = "toolCall", Index = 0, Arguments = "\"Oslo\"}" },
            new() { Seq = 4, Type = "toolCall", Index = 1, Arguments = "2}" },
            new() { Seq = 5, Type = "finish", FinishReason = "tool_calls", Model = "emulator-1-2025" },
            new()
            {
                Seq = 6, Type = "usage",
                Usage = new StreamHubUsage { PromptTokens = 10, CompletionTokens = 5, TotalTokens = 15, CachedPromptTokens = 4, ReasoningTokens = 2, Cost = 0.0012m },
            },
        ];

        Assert.All(events, e => Assert.Null(assembler.Add(e)));
        var last = assembler.Complete()!;

        var calls = last.Contents.OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_a", "call_b"], calls.Select(c => c.CallId));
        Assert.Equal(["first", "second"], calls.Select(c => c.Name));
        Assert.Equal("Oslo", calls[0].Arguments!["city"]?.ToString());
        Assert.Equal("2", calls[1].Arguments!["n"]?.ToString());
        var usage = Assert.Single(last.Contents.OfType<UsageContent>()).Details;
        Assert.Equal((10L, 5L, 15L, 4L, 2L), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount, usage.CachedInputTokenCount, usage.ReasoningTokenCount));
        Assert.Equal(ChatFinishReason.ToolCalls, last.FinishReason);
        Assert.Equal("emulator-1-2025", last.ModelId);
        Assert.Equal(0.0012m, last.AdditionalProperties!["cost"]);
    }

    [Fact]
    public void Complete_Refusal_IsErrorContentLikeOpenAiClients()
    {
        var assembler = new UpdateAssembler("r3");
        assembler.Add(new StreamHubEvent { Seq = 1, Type = "refusal", Text = "I can't" });
        assembler.Add(new StreamHubEvent { Seq = 2, Type = "refusal", Text = " help." });
        assembler.Add(new StreamHubEvent { Seq = 3, Type = "finish", FinishReason = "content_filter" });

        var last = assembler.Complete()!;

        var error = Assert.IsType<ErrorContent>(Assert.Single(last.Contents));
        Assert.Equal(("I can't help.", "Refusal"), (error.Message, error.ErrorCode));
        Assert.Equal(ChatFinishReason.ContentFilter, last.FinishReason);
    }

    [Fact]
    public void Complete_BrokenArguments_CallCarriesTheParseError()
    {
        var assembler = new UpdateAssembler("r4");
        assembler.Add(new StreamHubEvent { Seq = 1, Type = "toolCall", Index = 0, Id = "c", Name = "f", Arguments = "{\"a\":" });

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(assembler.Complete()!.Contents));

        Assert.NotNull(call.Exception);
    }
}
