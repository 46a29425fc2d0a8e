using System.Net.ServerSentEvents;
using System.Text;
using BenchmarkDotNet.Attributes;
using StreamHub.Upstream;

namespace StreamHub.Benchmarks.Micro;

/// <summary>
/// <see cref="SseParser"/> with <see cref="ChunkParser"/> as the item parser over a buffer of 100 events
/// (role chunk, 98 content chunks with emulator stamps, finish) plus <c>[DONE]</c>: the upstream read path
/// per event, framing included. Figures are per event (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class SseParserBenchmarks
{
    private const int Events = 100;
    private byte[] _buffer = [];

    [Params("\n", "\r\n")]
    public string LineEnding { get; set; } = "\n";

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder();
        var eol = LineEnding;
        sb.Append("data: {\"id\":\"chatcmpl-emu-7\",\"object\":\"chat.completion.chunk\",\"created\":1732630000,\"model\":\"emulator-1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}").Append(eol).Append(eol);
        for (var i = 0; i < Events - 2; i++)
        {
            var word = i % 5 == 2 ? " 日本" : " stream";
            sb.Append("data: {\"id\":\"chatcmpl-emu-7\",\"object\":\"chat.completion.chunk\",\"created\":1732630000,\"model\":\"emulator-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
                .Append(word).Append("\"},\"finish_reason\":null}],\"x_emit_ts\":").Append(123456789012345L + i).Append('}').Append(eol).Append(eol);
        }

        sb.Append("data: {\"id\":\"chatcmpl-emu-7\",\"object\":\"chat.completion.chunk\",\"created\":1732630000,\"model\":\"emulator-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}").Append(eol).Append(eol);
        sb.Append("data: [DONE]").Append(eol).Append(eol);
        _buffer = Encoding.UTF8.GetBytes(sb.ToString());
    }

    [Benchmark(OperationsPerInvoke = Events + 1)]
    public int Enumerate()
    {
        var tokens = 0;
        foreach (var item in SseParser.Create(new MemoryStream(_buffer, writable: false), static (_, data) => ChunkParser.Parse(data)).Enumerate())
        {
            tokens += item.Data.Text is null ? 0 : 1;
        }

        return tokens;
    }

    [Benchmark(OperationsPerInvoke = Events + 1)]
    public async Task<int> EnumerateAsync()
    {
        var tokens = 0;
        await foreach (var item in SseParser.Create(new MemoryStream(_buffer, writable: false), static (_, data) => ChunkParser.Parse(data)).EnumerateAsync())
        {
            tokens += item.Data.Text is null ? 0 : 1;
        }

        return tokens;
    }
}
