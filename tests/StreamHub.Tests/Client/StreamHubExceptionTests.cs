using StreamHub.Client;

namespace StreamHub.Tests.Client;

public sealed class StreamHubExceptionTests
{
    [Theory]
    [InlineData("queue_full: the normal queue holds 100 requests; retry in 2 s", "queue_full", "the normal queue holds 100 requests; retry in 2 s", 2.0)]
    [InlineData("rate_limited: tenant acme is over 60 requests a minute; retry in 17 s", "rate_limited", "tenant acme is over 60 requests a minute; retry in 17 s", 17.0)]
    [InlineData("shutting_down: this StreamHub instance is stopping; retry in a few seconds", "shutting_down", "this StreamHub instance is stopping; retry in a few seconds", null)]
    [InlineData("An unexpected error occurred invoking 'StreamEvents' on the server.", "upstream_error", "An unexpected error occurred invoking 'StreamEvents' on the server.", null)]
    [InlineData("not_a_code: something", "upstream_error", "not_a_code: something", null)]
    public void FromHubMessage_CodeSentenceAndRetryAfter(string message, string code, string sentence, double? retrySeconds)
    {
        var error = StreamHubException.FromHubMessage(message);

        Assert.Equal((code, sentence), (error.Code, error.Message));
        Assert.Equal(retrySeconds is { } s ? TimeSpan.FromSeconds(s) : null, error.RetryAfter);
    }

    [Fact]
    public void FromHubMessage_EveryContractCode_IsRecognised()
    {
        foreach (var code in StreamHubErrorCodes.Contract)
        {
            Assert.Equal(code, StreamHubException.FromHubMessage($"{code}: a sentence").Code);
        }

        Assert.Equal(12, StreamHubErrorCodes.Contract.Count);
    }
}
