using Microsoft.Extensions.Time.Testing;
using StreamHub.Admission;
using static StreamHub.Tests.Admission.AdmissionTestKit;

namespace StreamHub.Tests.Admission;

public sealed class QueuePositionsTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AdmissionQueue _queue;
    private readonly QueuePositions _positions;

    public QueuePositionsTests()
    {
        _queue = new AdmissionQueue(_time);
        _positions = new QueuePositions(new Lock(), _queue, new StartOrder(_queue, _time));
    }

    [Fact]
    public void Deliver_OneCallbackThrows_OthersStillHearTheirPositions()
    {
        var recorder = new PositionRecorder();
        _queue.Enlist(Waiter("broken", seq: 1, positions: new Throwing()));
        _queue.Enlist(Waiter("fine", seq: 2, positions: recorder));

        Publish();

        Assert.Equal([2], recorder.Seen);
    }

    [Fact]
    public void Refresh_WaiterAheadLeaves_OnlyThoseBehindHearAgain()
    {
        var recorders = new[] { new PositionRecorder(), new PositionRecorder(), new PositionRecorder() };
        var waiters = new List<Waiter>();
        for (var i = 0; i < recorders.Length; i++)
        {
            waiters.Add(Waiter($"w{i}", seq: i, positions: recorders[i]));
            _queue.Enlist(waiters[i]);
        }

        Publish();
        _queue.Delist(waiters[0]);
        waiters[0].State = WaiterState.Canceled;
        Publish();

        Assert.Equal([1], recorders[0].Seen);
        Assert.Equal([2, 1], recorders[1].Seen);
        Assert.Equal([3, 2], recorders[2].Seen);
    }

    [Fact]
    public void Claim_NothingChanged_HasNothingToDeliver()
    {
        _queue.Enlist(Waiter("w", positions: new PositionRecorder()));
        Publish();

        _positions.Refresh();

        Assert.False(_positions.Claim());
    }

    [Fact]
    public void Place_BeyondTrackedWindow_ToldOnceThenAgainOnEnteringTheWindow()
    {
        var ahead = new List<Waiter>();
        for (var i = 0; i < QueuePositions.TrackedLimit; i++)
        {
            ahead.Add(Waiter($"a{i}", seq: i));
            _queue.Enlist(ahead[i]);
        }

        var recorder = new PositionRecorder();
        var newcomer = Waiter("late", seq: 1000, positions: recorder);
        _queue.Enlist(newcomer);
        _positions.Refresh();
        _positions.Place(newcomer);
        _positions.Deliver(_positions.Claim());
        _queue.Enlist(Waiter("later", seq: 1001));
        Publish();
        _queue.Delist(ahead[0]);
        Publish();

        Assert.Equal([QueuePositions.TrackedLimit + 1, QueuePositions.TrackedLimit], recorder.Seen);
    }

    private void Publish()
    {
        _positions.Refresh();
        _positions.Deliver(_positions.Claim());
    }

    private sealed class Throwing : IProgress<int>
    {
        public void Report(int value) => throw new InvalidOperationException("a broken callback");
    }
}
