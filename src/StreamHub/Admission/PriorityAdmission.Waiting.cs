using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>A waiter's timeout and cancellation, armed outside the lock.</summary>
internal sealed partial class PriorityAdmission
{
    /// <summary>Sets the wait timeout and cancellation, outside the lock because either may fire at once.</summary>
    private void Arm(Waiter waiter, CancellationToken cancellationToken)
    {
        var timer = _time.CreateTimer(OnTimeoutCallback, waiter, waiter.MaxWait, Timeout.InfiniteTimeSpan);
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(OnCanceledCallback, waiter)
            : default;
        bool stillQueued;
        lock (_lock)
        {
            stillQueued = waiter.State == WaiterState.Queued;
            if (stillQueued)
            {
                waiter.Timer = timer;
                waiter.Registration = registration;
            }
        }

        if (!stillQueued)
        {
            // Whoever took it out of the queue saw neither yet: they are ours to undo.
            timer.Dispose();
            registration.Unregister();
        }
    }

    private static void Disarm(Waiter waiter, bool unregister)
    {
        waiter.Timer?.Dispose();
        if (unregister)
        {
            waiter.Registration.Unregister();
        }
    }

    private static void Start(Waiter? started)
    {
        while (started is not null)
        {
            var next = started.NextStarted;
            started.NextStarted = null;
            Disarm(started, unregister: true);
            started.TrySetResult(started.Lease!);
            started = next;
        }
    }

    private void OnCanceled(Waiter waiter, CancellationToken cancellationToken)
    {
        bool notify;
        lock (_lock)
        {
            if (waiter.State != WaiterState.Queued)
            {
                return;
            }

            Delist(waiter);
            waiter.State = WaiterState.Canceled;
            RefreshPositions();
            notify = ClaimNotifications();
        }

        Disarm(waiter, unregister: false);
        waiter.TrySetCanceled(cancellationToken);
        Notify(notify);
    }

    private void OnTimeout(Waiter waiter)
    {
        bool notify;
        AdmissionLease lease;
        lock (_lock)
        {
            if (waiter.State != WaiterState.Queued)
            {
                return;
            }

            Delist(waiter);
            waiter.State = WaiterState.TimedOut;
            lease = Reject(
                ErrorCodes.QueueTimeout,
                $"waited {AdmissionRejection.Seconds(waiter.MaxWait)} s in the {Name(waiter.Native)} queue",
                waiter.Native);
            RefreshPositions();
            notify = ClaimNotifications();
        }

        Disarm(waiter, unregister: true);
        waiter.TrySetResult(lease);
        Notify(notify);
    }
}
