using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using StreamHub.Contracts;
using StreamHub.Identity;
using StreamHub.Streaming;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Streaming;

/// <summary>The shutdown notice waits for running requests on the injected clock, not the machine's.</summary>
public sealed class ShutdownNoticeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Stopping_RequestNeverEnds_WaitsTheGraceOnTheInjectedClock()
    {
        var time = new RecordingTimeProvider();
        var requests = new ActiveRequests(time);
        using var request = requests.Register(
            new CompletionRequest("r1", [new ChatMessage("user", "hi")], null, null, null, null, null, false),
            Caller.ForTenant("acme", Priority.Normal),
            Priority.Normal,
            resumeGrace: null,
            CancellationToken.None);
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var notice = new ShutdownNotice(lifetime, requests, time, NullLogger<ShutdownNotice>.Instance);
        await notice.StartAsync(CancellationToken.None).WaitAsync(Timeout);

        var stopping = Task.Run(lifetime.StopApplication);
        await time.WaitForTimerAsync(ShutdownNotice.Poll);

        Assert.Equal(ErrorCodes.ShuttingDown, request.AbortReason?.Code);
        Assert.False(stopping.IsCompleted);

        time.Advance(ShutdownNotice.Grace);
        await time.WaitForTimerAsync(ShutdownNotice.FlushAllowance);
        Assert.False(stopping.IsCompleted);

        time.Advance(ShutdownNotice.FlushAllowance);
        await stopping.WaitAsync(Timeout);
        await notice.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }
}
