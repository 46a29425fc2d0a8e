using System.Net.ServerSentEvents;
using System.Text;
using StreamHub.Contracts;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

public sealed class ChunkParserTests
{
    [Fact]
    public void Parse_OpenAiContent_ReturnsText()
    {
        var chunk = Parse("""{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}""");
        Assert.Equal("Hello", chunk.Text);
        Assert.Null(chunk.FinishReason);
        Assert.False(chunk.IsMalformed);
    }

    [Fact]
    public void Parse_OpenAiUsageChunkWithEmptyChoices_ReturnsUsage()
    {
        var chunk = Parse("""{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":30,"total_tokens":42}}""");
        Assert.Null(chunk.Text);
        Assert.Equal(new UsageInfo(12, 30, 42), chunk.Usage);
    }

    [Fact]
    public void Parse_FinishReason_IsShared()
    {
        var chunk = Parse("""{"choices":[{"delta":{},"finish_reason":"stop"}]}""");
        Assert.Same(FinishReasons.Stop, chunk.FinishReason);
    }

    [Fact]
    public void Parse_RefusalDelta_IsRefusalNotText()
    {
        var chunk = Parse("""{"choices":[{"delta":{"content":null,"refusal":"I can't help with that."}}]}""");
        Assert.Equal("I can't help with that.", chunk.Refusal);
        Assert.Null(chunk.Text);
        Assert.True(chunk.HasContent);
    }

    [Fact]
    public void Parse_DeepSeekReasoningAndUsageOnFinish_SplitsReasoningFromText()
    {
        var reasoning = Parse("""{"choices":[{"delta":{"content":null,"reasoning_content":"Let me think"}}]}""");
        Assert.Equal("Let me think", reasoning.Reasoning);
        Assert.Null(reasoning.Text);

        var finish = Parse("""{"choices":[{"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}""");
        Assert.Equal("stop", finish.FinishReason);
        Assert.Equal(12, finish.Usage!.TotalTokens);
        Assert.Null(finish.Text);
    }

    [Fact]
    public void Parse_OllamaReasoning_IsReasoning()
    {
        var chunk = Parse("""{"choices":[{"delta":{"role":"assistant","content":"","reasoning":"hmm"}}]}""");
        Assert.Equal("hmm", chunk.Reasoning);
        Assert.Null(chunk.Text);
    }

    [Fact]
    public void Parse_VllmErrorObject_IsError()
    {
        var chunk = Parse("""{"error":{"message":"CUDA out of memory","type":"internal_error","code":500}}""");
        Assert.Equal("CUDA out of memory", chunk.Error);
    }

    [Fact]
    public void Parse_Done_IsDone() => Assert.True(Parse("[DONE]").IsDone);

    [Theory]
    [InlineData("{\"choices\":[{\"delta\":{\"content\":\"unterminated")]
    [InlineData("not json")]
    [InlineData("{\"choices\":[]} trailing")]
    [InlineData("")]
    public void Parse_Malformed_IsMalformed(string data) => Assert.True(Parse(data).IsMalformed);

    [Fact]
    public void Parse_EscapedAndMultiByteText_IsDecoded()
    {
        var chunk = Parse("""{"choices":[{"delta":{"content":"caf\u00e9 \"q\" 日本 🚀"}}]}""");
        Assert.Equal("café \"q\" 日本 🚀", chunk.Text);
    }

    [Fact]
    public async Task SseParser_ByteByByteWithCrlfCommentsAndSplitUtf8_YieldsEveryEvent()
    {
        var body = ": keep-alive\r\n\r\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"日本\"}}]}\r\n\r\n"
            + ": keep-alive\r\n\r\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\" 🚀\"},\"finish_reason\":\"stop\"}]}\r\n\r\n"
            + "data: [DONE]\r\n\r\n";
        await using var stream = new TrickleStream(Encoding.UTF8.GetBytes(body), chunkSize: 1);
        var chunks = new List<UpstreamChunk>();
        await foreach (var item in SseParser.Create(stream, static (_, data) => ChunkParser.Parse(data)).EnumerateAsync())
        {
            chunks.Add(item.Data);
        }

        Assert.Equal(3, chunks.Count);
        Assert.Equal("日本", chunks[0].Text);
        Assert.Equal(" 🚀", chunks[1].Text);
        Assert.Equal("stop", chunks[1].FinishReason);
        Assert.True(chunks[2].IsDone);
    }

    private static UpstreamChunk Parse(string json) => ChunkParser.Parse(Encoding.UTF8.GetBytes(json));
}

/// <summary>A read-only stream that hands out at most <c>chunkSize</c> bytes per read, like a slow socket.</summary>
internal sealed class TrickleStream(byte[] data, int chunkSize) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(chunkSize, buffer.Length), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
