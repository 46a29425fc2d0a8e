using System.Text;
using StreamHub.Contracts;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

/// <summary>
/// Tool calls, reasoning, refusals, usage details and the reported model, each in the shape the provider
/// actually sends (copied from OpenAI, DeepSeek, Ollama and vLLM streams).
/// </summary>
public sealed class ChunkParserDialectTests
{
    [Fact]
    public void Parse_OpenAiRoleChunk_HasNoContentButTheModel()
    {
        var chunk = Parse("""{"id":"chatcmpl-B1","object":"chat.completion.chunk","created":1732630000,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}""");

        Assert.False(chunk.HasContent);
        Assert.Null(chunk.Usage);
        Assert.Equal("gpt-4o-2024-08-06", chunk.Model);
    }

    [Fact]
    public void Parse_OpenAiToolCallFirstDelta_HasIndexIdAndNameButNoArguments()
    {
        var chunk = Parse("""{"id":"chatcmpl-B1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}]}""");

        Assert.Equal([new ToolCallDelta(0, "call_abc", "get_weather", null)], Calls(chunk));
        Assert.Null(chunk.Text);
        Assert.True(chunk.HasContent);
    }

    [Fact]
    public void Parse_OpenAiArgumentFragmentsOfParallelCalls_KeepTheirIndexAndOrder()
    {
        var first = Parse("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"city\":"}}]},"logprobs":null,"finish_reason":null}]}""");
        var second = Parse("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"logprobs":null,"finish_reason":null}]}""");

        Assert.Equal([new ToolCallDelta(1, null, null, "{\"city\":")], Calls(first));
        Assert.Equal([new ToolCallDelta(0, null, null, "\"Paris\"}")], Calls(second));
    }

    [Fact]
    public void Parse_OpenAiToolCallsFinish_IsShared()
    {
        var chunk = Parse("""{"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]}""");

        Assert.Same(FinishReasons.ToolCalls, chunk.FinishReason);
        Assert.False(chunk.HasContent);
    }

    [Fact]
    public void Parse_OpenAiUsageWithDetails_ReadsCachedAndReasoningTokens()
    {
        var chunk = Parse("""{"id":"chatcmpl-B1","object":"chat.completion.chunk","model":"o4-mini","choices":[],"usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":128,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}""");

        Assert.Equal(new UsageInfo(2006, 300, 2306, CachedPromptTokens: 1920, ReasoningTokens: 128), chunk.Usage);
    }

    [Fact]
    public void Parse_DeepSeekUsageOnFinish_ReadsDetailsAndItsOwnCacheHitCount()
    {
        var withDetails = Parse("""{"id":"x","object":"chat.completion.chunk","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":40,"completion_tokens":90,"total_tokens":130,"prompt_tokens_details":{"cached_tokens":32},"completion_tokens_details":{"reasoning_tokens":70},"prompt_cache_hit_tokens":32,"prompt_cache_miss_tokens":8}}""");
        var hitOnly = Parse("""{"choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":40,"completion_tokens":9,"total_tokens":49,"prompt_cache_hit_tokens":24,"prompt_cache_miss_tokens":16}}""");

        Assert.Equal("stop", withDetails.FinishReason);
        Assert.Equal(new UsageInfo(40, 90, 130, 32, 70), withDetails.Usage);
        Assert.Equal(24, hitOnly.Usage!.CachedPromptTokens);
    }

    [Fact]
    public void Parse_DeepSeekReasoningWithNullContent_IsReasoningOnly()
    {
        var chunk = Parse("""{"id":"x","object":"chat.completion.chunk","model":"deepseek-reasoner","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":"Let me"},"logprobs":null,"finish_reason":null}]}""");

        Assert.Equal("Let me", chunk.Reasoning);
        Assert.Null(chunk.Text);
        Assert.True(chunk.HasContent);
    }

    [Fact]
    public void Parse_OllamaWholeParallelCalls_ArriveInOneChunk()
    {
        var chunk = Parse("""{"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"qwen3:8b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"id":"call_k1","index":0,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"call_k2","index":1,"type":"function","function":{"name":"get_time","arguments":"{}"}}]},"finish_reason":null}]}""");

        Assert.Equal(
            [new ToolCallDelta(0, "call_k1", "get_weather", "{\"city\":\"Paris\"}"), new ToolCallDelta(1, "call_k2", "get_time", "{}")],
            Calls(chunk));
        Assert.Null(chunk.Text);
    }

    [Fact]
    public void Parse_OllamaReasoningAndPlainUsage_ReadsBoth()
    {
        var reasoning = Parse("""{"id":"chatcmpl-7","object":"chat.completion.chunk","model":"qwen3:8b","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"Okay, so"},"finish_reason":null}]}""");
        var finish = Parse("""{"id":"chatcmpl-7","object":"chat.completion.chunk","model":"qwen3:8b","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":11,"completion_tokens":20,"total_tokens":31}}""");

        Assert.Equal("Okay, so", reasoning.Reasoning);
        Assert.Equal(new UsageInfo(11, 20, 31), finish.Usage);
    }

    [Fact]
    public void Parse_VllmToolCallWithoutArgumentsThenNullIds_ReadsNameThenFragments()
    {
        var start = Parse("""{"id":"chatcmpl-v","object":"chat.completion.chunk","created":1,"model":"meta-llama/Llama-3.1-8B-Instruct","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"id":"chatcmpl-tool-9","type":"function","index":0,"function":{"name":"get_weather"}}]},"logprobs":null,"finish_reason":null}]}""");
        var fragment = Parse("""{"id":"chatcmpl-v","object":"chat.completion.chunk","model":"meta-llama/Llama-3.1-8B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"id":null,"type":null,"index":0,"function":{"name":null,"arguments":"{\"city\": \"Paris\"}"}}]},"logprobs":null,"finish_reason":null}]}""");
        var finish = Parse("""{"id":"chatcmpl-v","object":"chat.completion.chunk","model":"meta-llama/Llama-3.1-8B-Instruct","choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"tool_calls","stop_reason":null}],"usage":{"prompt_tokens":5,"total_tokens":12,"completion_tokens":7,"prompt_tokens_details":null}}""");

        Assert.Equal([new ToolCallDelta(0, "chatcmpl-tool-9", "get_weather", null)], Calls(start));
        Assert.Equal([new ToolCallDelta(0, null, null, "{\"city\": \"Paris\"}")], Calls(fragment));
        Assert.Equal((FinishReasons.ToolCalls, new UsageInfo(5, 7, 12)), (finish.FinishReason, finish.Usage));
    }

    [Fact]
    public void Parse_VllmReasoningAndNullUsage_ReadsReasoningAndNoUsage()
    {
        var chunk = Parse("""{"id":"chatcmpl-v","object":"chat.completion.chunk","model":"Qwen/QwQ-32B","choices":[{"index":0,"delta":{"reasoning_content":"First,"},"logprobs":null,"finish_reason":null}],"usage":null}""");

        Assert.Equal("First,", chunk.Reasoning);
        Assert.Null(chunk.Usage);
    }

    [Fact]
    public void Parse_NonStreamedMessageWithToolCalls_UsesThePositionAsIndex()
    {
        var chunk = Parse("""{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"a","arguments":"{}"}},{"id":"call_2","type":"function","function":{"name":"b","arguments":"{\"x\":1}"}}]},"finish_reason":"tool_calls"}]}""");

        Assert.Equal([new ToolCallDelta(0, "call_1", "a", "{}"), new ToolCallDelta(1, "call_2", "b", "{\"x\":1}")], Calls(chunk));
    }

    [Fact]
    public void Parse_EmptyArgumentFragmentWithoutIdOrName_IsNoToolCall()
    {
        var chunk = Parse("""{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":""}}]}}]}""");

        Assert.Null(chunk.ToolCalls);
        Assert.False(chunk.HasContent);
    }

    [Fact]
    public void Parse_SameModelAsTheStreamAlreadyReported_ReusesItsString()
    {
        var parser = new StreamChunkParser();
        var first = parser.Parse("", Bytes("""{"model":"gpt-4o-2024-08-06","choices":[{"delta":{"content":"a"}}]}"""));
        var second = parser.Parse("", Bytes("""{"model":"gpt-4o-2024-08-06","choices":[{"delta":{"content":"b"}}]}"""));

        Assert.Equal("gpt-4o-2024-08-06", first.Model);
        Assert.Same(first.Model, second.Model);
    }

    [Fact]
    public void Parse_TextChunkOfAKnownModel_AllocatesOnlyTheText()
    {
        var data = Bytes("""{"id":"chatcmpl-emu-7","object":"chat.completion.chunk","created":1732630000,"model":"emulator-1","choices":[{"index":0,"delta":{"content":" stream"},"logprobs":null,"finish_reason":null}],"x_emit_ts":123}""");
        ChunkParser.Parse(data, "emulator-1");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var chunk = ChunkParser.Parse(data, "emulator-1");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(" stream", chunk.Text);
        Assert.InRange(allocated, 1, 40); // the 7-character string: 22 bytes of header and 14 of text, rounded to 40
    }

    private static ToolCallDelta[] Calls(UpstreamChunk chunk) => chunk.ToolCalls ?? throw new Xunit.Sdk.XunitException("the chunk has no tool calls");

    private static UpstreamChunk Parse(string json) => ChunkParser.Parse(Bytes(json));

    private static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);
}
