using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using StreamHub.Admission;
using StreamHub.Contracts;
using static StreamHub.Tests.Admission.AdmissionTestKit;

namespace StreamHub.Tests.Admission;

public sealed class AdmissionSchedulerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Admit_LowAgedIntoCriticalWhileAtBackpressure_StartsOnTheNextArrival()
    {
        var scheduler = Create(pool: 2, threshold: 0.5);
        Assert.True(Admit(scheduler, "holder").IsCompletedSuccessfully);
        _ = Admit(scheduler, "low", Priority.Low);
        var low = scheduler.TakeArrival()!;
        _time.Advance(TimeSpan.FromSeconds(30));

        _ = Admit(scheduler, "normal");

        Assert.Same(low, scheduler.TakeCompleted());
        Assert.Equal(WaiterState.Granted, low.State);
        Assert.Equal("normal", scheduler.TakeArrival()!.Ticket.RequestId);
        Assert.Equal(2, scheduler.Active);
    }

    [Fact]
    public void Cancel_OtherWaiterAgedMeanwhile_LeavesAgingToTheNextTouch()
    {
        var scheduler = Create(pool: 1);
        _ = Admit(scheduler, "holder");
        _ = Admit(scheduler, "first", Priority.Low);
        var first = scheduler.TakeArrival()!;
        _ = Admit(scheduler, "second", Priority.Low);
        var second = scheduler.TakeArrival()!;
        _time.Advance(TimeSpan.FromSeconds(25));

        scheduler.Cancel(first);

        Assert.Equal(WaiterState.Canceled, first.State);
        Assert.Equal((int)Priority.Low, second.Tier);
        Assert.Equal(Priority.High, Assert.Single(scheduler.Snapshot(Now).Entries).EffectivePriority);
    }

    [Fact]
    public void Return_CriticalAndNormalWaiting_StartsCriticalAndLeavesNormalQueued()
    {
        AdmissionLease? returned = null;
        var scheduler = new AdmissionScheduler(new AdmissionRule(Options(pool: 1)), _time, lease => returned = lease);
        var holder = scheduler.TryStart((int)Priority.Normal, Now);
        _ = Admit(scheduler, "normal");
        _ = Admit(scheduler, "critical", Priority.Critical);
        Assert.Null(scheduler.TakeCompleted());

        holder.Dispose();
        scheduler.Return(returned!, Now);

        var started = scheduler.TakeCompleted();
        Assert.Equal("critical", started!.Ticket.RequestId);
        Assert.Null(started.NextCompleted);
        Assert.Equal(1, scheduler.Queue.Count);
    }

    [Fact]
    public void Close_Waiters_LeaveWithShuttingDownAndNothingStartsAfterwards()
    {
        var scheduler = Create(pool: 1);
        _ = Admit(scheduler, "holder");
        _ = Admit(scheduler, "waiting");

        scheduler.Close();

        var closed = scheduler.TakeCompleted()!;
        Assert.Equal(WaiterState.Closed, closed.State);
        Assert.True(AdmissionLease.TryGetRejection(closed.Lease!, out var rejection));
        Assert.Equal(ErrorCodes.ShuttingDown, rejection.Code);
        Assert.Equal(0, scheduler.Queue.Count);
    }

    private long Now => _time.GetTimestamp();

    private Task<RateLimitLease> Admit(AdmissionScheduler scheduler, string id, Priority priority = Priority.Normal) =>
        scheduler.Admit(Ticket(id, priority), (int)priority, Now, default).AsTask();

    private AdmissionScheduler Create(int pool, double threshold = 1.0) =>
        new(new AdmissionRule(Options(pool, threshold)), _time, static _ => { });
}
