namespace StreamHub.Benchmarks.Load;

/// <summary>p50/p95/p99/max of a sorted sample, in milliseconds.</summary>
internal sealed record Percentiles(double P50, double P95, double P99, double Max, int Count)
{
    public static Percentiles Of(double[] sorted, double offset = 0)
        => sorted.Length == 0
            ? new Percentiles(double.NaN, double.NaN, double.NaN, double.NaN, 0)
            : new Percentiles(R(At(sorted, 0.50) + offset), R(At(sorted, 0.95) + offset), R(At(sorted, 0.99) + offset), R(sorted[^1] + offset), sorted.Length);

    public static Percentiles Of(float[] sorted) => Of(Array.ConvertAll(sorted, v => (double)v));

    /// <summary>Nearest-rank percentile.</summary>
    private static double At(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double R(double v) => Math.Round(v, 3);
}
