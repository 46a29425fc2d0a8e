namespace StreamHub.Observability;

/// <summary>
/// The last <c>capacity</c> values of a measurement (a ring: memory stays fixed however long the process
/// runs), and their percentiles on demand.
/// </summary>
internal sealed class SlidingSample(int capacity = 2048)
{
    private readonly Lock _lock = new();
    private readonly double[] _values = new double[capacity];
    private int _next;
    private int _count;

    public void Add(double value)
    {
        lock (_lock)
        {
            _values[_next] = value;
            _next = (_next + 1) % _values.Length;
            _count = Math.Min(_count + 1, _values.Length);
        }
    }

    public Percentiles Summarize()
    {
        double[] sorted;
        lock (_lock)
        {
            sorted = _values[.._count];
        }

        if (sorted.Length == 0)
        {
            return new Percentiles(0, null, null, null);
        }

        Array.Sort(sorted);
        return new Percentiles(sorted.Length, At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99));
    }

    // Nearest rank: the smallest value with at least p of the sample at or below it.
    private static double At(double[] sorted, double p)
        => Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 1);
}
