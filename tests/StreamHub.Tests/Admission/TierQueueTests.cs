using StreamHub.Admission;
using static StreamHub.Tests.Admission.AdmissionTestKit;

namespace StreamHub.Tests.Admission;

public sealed class TierQueueTests
{
    [Fact]
    public void PassTurn_OneTenantQueuedThreeThenAnotherOne_TenantsAlternate()
    {
        var tier = new TierQueue();
        Add(tier, ("a1", "a"), ("a2", "a"), ("a3", "a"), ("b1", "b"));

        Assert.Equal(["a1", "b1", "a2", "a3"], Drain(tier));
    }

    [Fact]
    public void Add_NewTenantMidRound_GetsItsTurnAfterEveryoneAlreadyWaiting()
    {
        var tier = new TierQueue();
        Add(tier, ("a1", "a"), ("a2", "a"), ("b1", "b"), ("b2", "b"), ("c1", "c"), ("c2", "c"));
        var first = tier.PassTurn();
        tier.Remove(first);

        Add(tier, ("d1", "d"));

        Assert.Equal("a1", first.Ticket.RequestId);
        Assert.Equal(["b1", "c1", "a2", "d1", "b2", "c2"], Drain(tier));
    }

    [Fact]
    public void Add_OlderWaiterOfSameTenant_GoesAheadOfYoungerOnes()
    {
        var tier = new TierQueue();
        tier.Add(Waiter("young", seq: 5));
        tier.Add(Waiter("younger", seq: 6));

        tier.Add(Waiter("aged", seq: 2));

        Assert.Equal(["aged", "young", "younger"], Drain(tier));
    }

    [Fact]
    public void Remove_LastWaiterOfEveryTenant_LeavesTierEmpty()
    {
        var tier = new TierQueue();
        var a = Waiter("a", tenant: "a");
        var b = Waiter("b", tenant: "b");
        tier.Add(a);
        tier.Add(b);

        tier.Remove(b);
        tier.Remove(a);

        Assert.Null(tier.Cursor);
    }

    private static void Add(TierQueue tier, params (string Id, string Tenant)[] waiters)
    {
        foreach (var (id, tenant) in waiters)
        {
            tier.Add(Waiter(id, tenant: tenant, seq: int.Parse(id[1..])));
        }
    }

    private static List<string> Drain(TierQueue tier)
    {
        var order = new List<string>();
        while (tier.Cursor is not null)
        {
            var waiter = tier.PassTurn();
            tier.Remove(waiter);
            order.Add(waiter.Ticket.RequestId);
        }

        return order;
    }
}
