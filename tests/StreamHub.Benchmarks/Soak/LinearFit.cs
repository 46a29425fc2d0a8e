namespace StreamHub.Benchmarks.Soak;

/// <summary>Ordinary least squares: the slope of y over x.</summary>
internal static class LinearFit
{
    /// <returns>(slope, intercept), or null with fewer than 3 points or no spread in x.</returns>
    public static (double Slope, double Intercept)? Of(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 3)
        {
            return null;
        }

        double mx = 0, my = 0;
        foreach (var (x, y) in points)
        {
            mx += x;
            my += y;
        }

        mx /= points.Count;
        my /= points.Count;
        double sxy = 0, sxx = 0;
        foreach (var (x, y) in points)
        {
            sxy += (x - mx) * (y - my);
            sxx += (x - mx) * (x - mx);
        }

        if (sxx <= 0)
        {
            return null;
        }

        var slope = sxy / sxx;
        return (slope, my - (slope * mx));
    }
}
