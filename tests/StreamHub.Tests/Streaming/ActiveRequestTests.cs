using Microsoft.Extensions.Time.Testing;
using StreamHub.Contracts;
using StreamHub.Identity;
using StreamHub.Streaming;

namespace StreamHub.Tests.Streaming;

/// <summary>How long a request outlives its caller: at once, or the grace of a resumable request, never more.</summary>
public sealed class ActiveRequestTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    [Fact]
    public void CallerTokenFires_NotResumable_RequestEndsAtOnce()
    {
        var (active, caller, _) = Register(resumeGrace: null);

        caller.Cancel();

        Assert.True(active.Token.IsCancellationRequested);
    }

    [Fact]
    public void CallerTokenFires_Resumable_RequestEndsWhenTheGraceRunsOut()
    {
        var (active, caller, time) = Register(Grace);

        caller.Cancel();
        time.Advance(Grace - TimeSpan.FromMilliseconds(1));
        Assert.False(active.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(active.Token.IsCancellationRequested);
    }

    [Fact]
    public void CallerCancelled_Resumable_RequestEndsAtOnce()
    {
        var (active, _, _) = Register(Grace);

        active.CallerCancelled();

        Assert.True(active.Token.IsCancellationRequested);
    }

    [Fact]
    public void CallerCancelled_DuringTheGrace_RequestEndsAtOnce()
    {
        var (active, caller, time) = Register(Grace);
        caller.Cancel();
        time.Advance(TimeSpan.FromSeconds(1));

        active.CallerCancelled();

        Assert.True(active.Token.IsCancellationRequested);
    }

    [Fact]
    public void CallerLeft_AfterTheTokenFired_DoesNotExtendTheGrace()
    {
        var (active, caller, time) = Register(Grace);
        caller.Cancel();
        time.Advance(TimeSpan.FromSeconds(20));

        active.CallerLeft();
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.True(active.Token.IsCancellationRequested);
    }

    [Fact]
    public void CallerLeft_TokenNeverFired_StartsTheGrace()
    {
        var (active, _, time) = Register(Grace);

        active.CallerLeft();
        Assert.False(active.Token.IsCancellationRequested);
        time.Advance(Grace);

        Assert.True(active.Token.IsCancellationRequested);
    }

    private static (ActiveRequest Active, CancellationTokenSource Caller, FakeTimeProvider Time) Register(TimeSpan? resumeGrace)
    {
        var time = new FakeTimeProvider();
        var caller = new CancellationTokenSource();
        var request = new CompletionRequest("r1", [new ChatMessage("user", "hi")], null, null, null, null, null, resumeGrace is not null);
        var active = new ActiveRequests(time).Register(request, Caller.ForTenant("acme", Priority.Normal), Priority.Normal, resumeGrace, caller.Token);
        return (active, caller, time);
    }
}
