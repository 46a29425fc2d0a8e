namespace StreamHub.Upstream;

/// <summary>
/// Parses the chunks of one upstream stream, remembering the model the upstream reports so that every chunk
/// after the first shares its string (see <see cref="ChunkParser.Parse"/>).
/// </summary>
internal sealed class StreamChunkParser
{
    private string? _model;

    public UpstreamChunk Parse(string eventType, ReadOnlySpan<byte> data)
    {
        var chunk = ChunkParser.Parse(data, _model);
        _model = chunk.Model ?? _model;
        return chunk;
    }
}
