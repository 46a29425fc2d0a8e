namespace StreamHub.Admission;

/// <summary>Where a <see cref="Waiter"/> is: in the queue, or how it left it.</summary>
internal enum WaiterState
{
    Queued,
    Granted,
    Canceled,
    TimedOut,
    Closed,
}
