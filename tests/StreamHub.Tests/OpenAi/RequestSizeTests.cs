using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// <c>/v1/chat/completions</c> refuses a body over <c>Streaming:MaxRequestBytes</c> with 413 in OpenAI's error
/// shape before parsing it: by Content-Length without reading, and a chunked body as soon as it passes the limit
/// (played by a raw socket that never finishes its body).
/// </summary>
public sealed class RequestSizeTests : IAsyncLifetime
{
    private const int Limit = 4096;

    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync(OpenAiTestKit.Settings(("Streaming:MaxRequestBytes", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ChatCompletions_ContentLengthOverTheLimit_Answers413InOpenAiShapeAndNothingGoesUpstream()
    {
        using var http = OpenAiTestKit.Http(_server);

        using var response = await http.PostAsync("v1/chat/completions", OpenAiTestKit.Json(Body(new string('x', Limit)))).WaitAsync(StreamHubServer.Timeout);

        await AssertTooLargeAsync(response);
        Assert.Empty(_server.Emulator.State.GetRequests());
    }

    [Fact]
    public async Task ChatCompletions_OversizeBodyThatIsNotJson_Answers413NotAParseError()
    {
        using var http = OpenAiTestKit.Http(_server);

        using var response = await http.PostAsync("v1/chat/completions", OpenAiTestKit.Json(new string('{', Limit + 1))).WaitAsync(StreamHubServer.Timeout);

        await AssertTooLargeAsync(response);
    }

    [Fact]
    public async Task ChatCompletions_ChunkedBodyOverTheLimit_Answers413()
    {
        using var http = OpenAiTestKit.Http(_server);

        using var response = await http.PostAsync("v1/chat/completions", new ChunkedContent(Body(new string('x', Limit)))).WaitAsync(StreamHubServer.Timeout);

        await AssertTooLargeAsync(response);
        Assert.Empty(_server.Emulator.State.GetRequests());
    }

    [Fact]
    public async Task ChatCompletions_BodyJustUnderTheLimit_IsServed()
    {
        using var http = OpenAiTestKit.Http(_server);
        var body = Body(new string('x', Limit - 200));

        using var response = await http.PostAsync("v1/chat/completions", new ChunkedContent(body)).WaitAsync(StreamHubServer.Timeout);

        Assert.True(Encoding.UTF8.GetByteCount(body) < Limit);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ChatCompletions_AttackerDeclaresAGigabyteAndSendsNothing_Answers413AtOnce()
    {
        using var socket = await ConnectAsync();
        var stream = socket.GetStream();

        await WriteAsync(stream, Headers("Content-Length: 1073741824"));

        Assert.StartsWith("HTTP/1.1 413", await ReadStatusLineAsync(stream), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_AttackerStreamsAnEndlessChunkedBody_Answers413OncePastTheLimit()
    {
        using var socket = await ConnectAsync();
        var stream = socket.GetStream();
        await WriteAsync(stream, Headers("Transfer-Encoding: chunked"));

        // Chunks of 1 KiB, never the final empty chunk: the answer must come from the limit, not the body's end.
        var chunk = "400\r\n" + new string('x', 1024) + "\r\n";
        for (var i = 0; i < (Limit / 1024) + 1; i++)
        {
            await WriteAsync(stream, chunk);
        }

        Assert.StartsWith("HTTP/1.1 413", await ReadStatusLineAsync(stream), StringComparison.Ordinal);
    }

    private static string Body(string prompt) => JsonSerializer.Serialize(new
    {
        model = "emulator-1",
        messages = new[] { new { role = "user", content = prompt } },
        max_tokens = 2,
    });

    private static async Task AssertTooLargeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(StreamHubServer.Timeout));
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.StartsWith("invalid_request: ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(Limit.ToString(System.Globalization.CultureInfo.InvariantCulture), error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private string Headers(string length) =>
        $"POST /v1/chat/completions HTTP/1.1\r\nHost: {_server.BaseAddress.Authority}\r\nAuthorization: Bearer {OpenAiTestKit.AcmeKey}\r\n" +
        $"Content-Type: application/json\r\n{length}\r\n\r\n";

    private async Task<TcpClient> ConnectAsync()
    {
        var socket = new TcpClient();
        await socket.ConnectAsync(_server.BaseAddress.Host, _server.BaseAddress.Port).WaitAsync(StreamHubServer.Timeout);
        return socket;
    }

    private static async Task WriteAsync(NetworkStream stream, string text)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask().WaitAsync(StreamHubServer.Timeout);
        await stream.FlushAsync().WaitAsync(StreamHubServer.Timeout);
    }

    private static async Task<string> ReadStatusLineAsync(NetworkStream stream)
    {
        var line = new StringBuilder();
        var buffer = new byte[1];
        while (await stream.ReadAsync(buffer).AsTask().WaitAsync(StreamHubServer.Timeout) == 1 && buffer[0] != '\n')
        {
            line.Append((char)buffer[0]);
        }

        return line.ToString();
    }

    /// <summary>A JSON body whose length is not known up front, so HttpClient sends it chunked.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly byte[] _body;

        public ChunkedContent(string body)
        {
            _body = Encoding.UTF8.GetBytes(body);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
