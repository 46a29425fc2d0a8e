using Microsoft.Extensions.Time.Testing;
using StreamHub.Admission;
using StreamHub.Contracts;
using static StreamHub.Tests.Admission.AdmissionTestKit;

namespace StreamHub.Tests.Admission;

public sealed class AdmissionQueueTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AdmissionRule _rule = new(Options());

    [Fact]
    public void Promote_LowWaitedTwoAgingIntervals_MovesToHighKeepingItsRequestedTier()
    {
        var queue = new AdmissionQueue(_time);
        var low = Waiter("low", Priority.Low, seq: 1, enqueuedAt: _time.GetTimestamp());
        queue.Enlist(low);
        _time.Advance(TimeSpan.FromSeconds(20));

        queue.Promote(_time.GetTimestamp(), _rule);

        Assert.Equal((int)Priority.High, low.Tier);
        Assert.Equal([0, 1, 0, 0], queue.WaitingByTier.ToArray());
        Assert.Equal(1, queue.Requested((int)Priority.Low));
        Assert.Same(low, queue.TakeTurn((int)Priority.High));
    }

    [Fact]
    public void Promote_NotYetAnInterval_LeavesWaiterWhereItIs()
    {
        var queue = new AdmissionQueue(_time);
        var low = Waiter("low", Priority.Low, seq: 1, enqueuedAt: _time.GetTimestamp());
        queue.Enlist(low);
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));

        queue.Promote(_time.GetTimestamp(), _rule);

        Assert.Equal((int)Priority.Low, low.Tier);
    }

    [Fact]
    public void Promote_LowAndNormalAgedIntoSameTier_OlderTakesTheFirstTurn()
    {
        var queue = new AdmissionQueue(_time);
        var low = Waiter("low", Priority.Low, tenant: "x", seq: 1, enqueuedAt: _time.GetTimestamp());
        queue.Enlist(low);
        _time.Advance(TimeSpan.FromSeconds(5));
        var normal = Waiter("normal", Priority.Normal, tenant: "y", seq: 2, enqueuedAt: _time.GetTimestamp());
        queue.Enlist(normal);
        _time.Advance(TimeSpan.FromSeconds(15));

        queue.Promote(_time.GetTimestamp(), _rule);

        Assert.Equal([0, 2, 0, 0], queue.WaitingByTier.ToArray());
        Assert.Same(low, queue.TakeTurn((int)Priority.High));
        Assert.Same(normal, queue.TakeTurn((int)Priority.High));
    }

    [Fact]
    public void EnlistAndDelist_Waiters_CountByTierAndRequestedAndMarkChanged()
    {
        var queue = new AdmissionQueue(_time);
        var high = Waiter("high", Priority.High, seq: 1);
        var normal = Waiter("normal", Priority.Normal, seq: 2);
        queue.Enlist(high);
        queue.Enlist(normal);
        queue.Changed = false;

        queue.Delist(high);

        Assert.True(queue.Changed);
        Assert.Equal(1, queue.Count);
        Assert.Equal([0, 0, 1, 0], queue.RequestedCounts());
        Assert.Equal(1, queue.RequestedUpTo((int)Priority.Normal));
        Assert.Equal(0, queue.RequestedUpTo((int)Priority.High));
    }
}
