using System.Text;
using BenchmarkDotNet.Attributes;
using StreamHub.Upstream;

namespace StreamHub.Benchmarks.Micro;

/// <summary>One SSE event's data to one token, per dialect: the per-token cost of <see cref="ChunkParser"/>.</summary>
[MemoryDiagnoser]
public class ChunkParserBenchmarks
{
    private static readonly Dictionary<string, byte[]> Chunks = new()
    {
        ["emulator"] = Bytes("""{"id":"chatcmpl-emu-7","object":"chat.completion.chunk","created":1732630000,"model":"emulator-1","choices":[{"index":0,"delta":{"content":" stream"},"finish_reason":null}],"x_emit_ts":123456789012345}"""),
        ["openai"] = Bytes("""{"id":"chatcmpl-AaBbCcDdEeFf","object":"chat.completion.chunk","created":1732630000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0ba0d124f1","choices":[{"index":0,"delta":{"content":" stream"},"logprobs":null,"finish_reason":null}]}"""),
        ["openai-wide"] = Bytes("""{"id":"chatcmpl-AaBbCcDdEeFf","object":"chat.completion.chunk","created":1732630000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0ba0d124f1","choices":[{"index":0,"delta":{"content":" 日本 caf\u00e9"},"logprobs":null,"finish_reason":null}]}"""),
        ["deepseek"] = Bytes("""{"id":"5f2c1a8e-6b1d-4f7e-9a51-0c3d2e1f4a5b","object":"chat.completion.chunk","created":1732630000,"model":"deepseek-reasoner","system_fingerprint":"fp_7e73fd9a08","choices":[{"index":0,"delta":{"content":" stream","reasoning_content":null},"logprobs":null,"finish_reason":null}]}"""),
        ["deepseek-reasoning"] = Bytes("""{"id":"5f2c1a8e-6b1d-4f7e-9a51-0c3d2e1f4a5b","object":"chat.completion.chunk","created":1732630000,"model":"deepseek-reasoner","system_fingerprint":"fp_7e73fd9a08","choices":[{"index":0,"delta":{"content":null,"reasoning_content":" think"},"logprobs":null,"finish_reason":null}]}"""),
        ["ollama"] = Bytes("""{"id":"chatcmpl-412","object":"chat.completion.chunk","created":1732630000,"model":"qwen3:8b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":" stream"},"finish_reason":null}]}"""),
        ["ollama-reasoning"] = Bytes("""{"id":"chatcmpl-412","object":"chat.completion.chunk","created":1732630000,"model":"qwen3:8b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":" think"},"finish_reason":null}]}"""),
        ["vllm"] = Bytes("""{"id":"chatcmpl-b7c9e2d4a1f34c8e","object":"chat.completion.chunk","created":1732630000,"model":"meta-llama/Llama-3.1-8B-Instruct","choices":[{"index":0,"delta":{"content":" stream"},"logprobs":null,"finish_reason":null,"stop_reason":null}]}"""),
        ["finish+usage"] = Bytes("""{"id":"5f2c1a8e","object":"chat.completion.chunk","created":1732630000,"model":"deepseek-chat","choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":100,"total_tokens":112}}"""),
        ["done"] = Bytes("[DONE]"),
    };

    private byte[] _chunk = [];

    [ParamsSource(nameof(Dialects))]
    public string Dialect { get; set; } = "openai";

    public static IEnumerable<string> Dialects => Chunks.Keys;

    [GlobalSetup]
    public void Setup() => _chunk = Chunks[Dialect];

    [Benchmark]
    public string? Parse()
    {
        var chunk = ChunkParser.Parse(_chunk);
        return chunk.Text ?? chunk.Reasoning ?? chunk.FinishReason;
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
