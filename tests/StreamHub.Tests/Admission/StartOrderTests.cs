using Microsoft.Extensions.Time.Testing;
using StreamHub.Admission;
using StreamHub.Contracts;
using static StreamHub.Tests.Admission.AdmissionTestKit;

namespace StreamHub.Tests.Admission;

public sealed class StartOrderTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Describe_TiersAndTenants_BestTierFirstThenTenantsTakeTurns()
    {
        var queue = new AdmissionQueue(_time);
        queue.Enlist(Waiter("n-a1", Priority.Normal, "a", seq: 1));
        queue.Enlist(Waiter("n-a2", Priority.Normal, "a", seq: 2));
        queue.Enlist(Waiter("n-b1", Priority.Normal, "b", seq: 3));
        queue.Enlist(Waiter("c-a1", Priority.Critical, "a", seq: 4));
        queue.Enlist(Waiter("l-c1", Priority.Low, "c", seq: 5));

        var entries = new StartOrder(queue, _time).Describe(_time.GetTimestamp());

        Assert.Equal(["c-a1", "n-a1", "n-b1", "n-a2", "l-c1"], entries.Select(e => e.RequestId));
        Assert.Equal([1, 2, 3, 4, 5], entries.Select(e => e.Position));
    }

    [Fact]
    public void Walk_VisitorSaysStop_VisitsNoFurther()
    {
        var queue = new AdmissionQueue(_time);
        var waiters = new List<Waiter>();
        for (var i = 0; i < 5; i++)
        {
            waiters.Add(Waiter($"w{i}", seq: i));
            queue.Enlist(waiters[i]);
        }

        var refresh = new PositionRefresh(new QueuePositions(new Lock(), queue, new StartOrder(queue, _time)), limit: 3);
        new StartOrder(queue, _time).Walk(ref refresh);

        Assert.Equal([1, 2, 3, 0, 0], waiters.Select(w => w.Position));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(2024)]
    public void PositionOf_RandomQueue_MatchesTheWalkAndTheOrderTurnsAreTaken(int seed)
    {
        var random = new Random(seed);
        var rule = new AdmissionRule(Options());
        var queue = new AdmissionQueue(_time);
        var order = new StartOrder(queue, _time);
        var waiters = new List<Waiter>();
        for (var i = 0; i < 300; i++)
        {
            var waiter = Waiter($"w{i}", (Priority)random.Next(4), $"t{random.Next(6)}", seq: i, enqueuedAt: _time.GetTimestamp());
            queue.Enlist(waiter);
            waiters.Add(waiter);
            if (random.Next(4) == 0)
            {
                // Take some turns and age some waiters, so cursors sit mid-ring and tiers mix.
                var tier = random.Next(4);
                if (queue.WaitingByTier[tier] > 0)
                {
                    waiters.Remove(queue.TakeTurn(tier));
                }

                _time.Advance(TimeSpan.FromSeconds(random.Next(4)));
                queue.Promote(_time.GetTimestamp(), rule);
            }
        }

        var entries = order.Describe(_time.GetTimestamp());
        var byId = waiters.ToDictionary(w => w.Ticket.RequestId);

        Assert.Equal(waiters.Count, entries.Count);
        foreach (var entry in entries)
        {
            Assert.Equal(entry.Position, order.PositionOf(byId[entry.RequestId]));
        }

        var taken = new List<Waiter>();
        while (queue.Count > 0)
        {
            var tier = 0;
            while (queue.WaitingByTier[tier] == 0)
            {
                tier++;
            }

            taken.Add(queue.TakeTurn(tier));
        }

        Assert.Equal(entries.Select(e => e.RequestId), taken.Select(w => w.Ticket.RequestId));
    }

    [Fact]
    public void Describe_Waiters_ListsAgeAndEffectivePriorityInStartOrder()
    {
        var queue = new AdmissionQueue(_time);
        queue.Enlist(Waiter("low", Priority.Low, "x", seq: 1, enqueuedAt: _time.GetTimestamp()));
        _time.Advance(TimeSpan.FromSeconds(3));
        queue.Enlist(Waiter("high", Priority.High, "y", seq: 2, enqueuedAt: _time.GetTimestamp()));

        var entries = new StartOrder(queue, _time).Describe(_time.GetTimestamp());

        Assert.Equal(
            [new QueuedRequest("high", "y", Priority.High, Priority.High, TimeSpan.Zero, 1),
             new QueuedRequest("low", "x", Priority.Low, Priority.Low, TimeSpan.FromSeconds(3), 2)],
            entries);
    }
}
