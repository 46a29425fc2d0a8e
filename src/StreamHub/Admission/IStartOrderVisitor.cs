namespace StreamHub.Admission;

/// <summary>
/// What <see cref="StartOrder.Walk{TVisitor}"/> calls for each waiter, in start order. A struct visitor keeps
/// the walk free of allocations and calls the JIT cannot inline: it runs on every queue change.
/// </summary>
internal interface IStartOrderVisitor
{
    /// <summary>Sees <paramref name="waiter"/> at its 1-based <paramref name="position"/>; false ends the walk.</summary>
    bool Visit(Waiter waiter, int position);
}
