using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using StreamHub.OpenAi;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// The parsed body owns its bytes: once the body is read, the pipe's buffers go back to the server's pool and
/// carry the next request's bytes (played by a pool that scribbles over every block returned to it).
/// </summary>
public sealed class LimitedBodyTests
{
    [Fact]
    public async Task ParseAsync_PipeBuffersReusedAfterReading_DocumentStillReadsItsOwnBody()
    {
        const string Body = """{"model":"m","messages":[{"role":"user","content":"mine, not yours"}]}""";
        using var pool = new ScribblingPool();
        var pipe = new Pipe(new PipeOptions(pool, minimumSegmentSize: 16, useSynchronizationContext: false));
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Body)).AsTask().WaitAsync(Waits.Timeout);
        await pipe.Writer.CompleteAsync().AsTask().WaitAsync(Waits.Timeout);
        var http = new DefaultHttpContext();
        http.Features.Set<IRequestBodyPipeFeature>(new BodyPipe(pipe.Reader));

        using var document = await LimitedBody.ParseAsync(http.Request, 1024, CancellationToken.None).WaitAsync(Waits.Timeout);
        await pipe.Reader.CompleteAsync().AsTask().WaitAsync(Waits.Timeout);

        Assert.True(pool.Returned > 0, "the pipe returned no buffer to the pool; the test proves nothing");
        var content = document.RootElement.GetProperty("messages")[0].GetProperty("content").GetString();
        Assert.Equal("mine, not yours", content);
    }

    private sealed class BodyPipe(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader => reader;
    }

    /// <summary>Hands out fresh blocks and overwrites each one returned, as the next request's bytes would.</summary>
    private sealed class ScribblingPool : MemoryPool<byte>
    {
        public int Returned;

        public override int MaxBufferSize => 4096;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => new Block(this, new byte[Math.Max(minBufferSize, 4096)]);

        protected override void Dispose(bool disposing)
        {
        }

        private sealed class Block(ScribblingPool pool, byte[] array) : IMemoryOwner<byte>
        {
            public Memory<byte> Memory => array;

            public void Dispose()
            {
                array.AsSpan().Fill((byte)'x');
                Interlocked.Increment(ref pool.Returned);
            }
        }
    }
}
