using System.Globalization;
using System.Text;

namespace StreamHub.Benchmarks.Soak;

/// <summary>
/// The soak's samples as one SVG of stacked panels over time (RSS with its fitted slope, CPU per token, GC
/// pauses, threads), written by hand so the runner needs no plotting package. The warm-up is shaded.
/// </summary>
internal static class SvgChart
{
    private const int Width = 960;
    private const int PanelHeight = 150;
    private const int Left = 80;
    private const int Right = 20;
    private const int Top = 50;
    private const int Gap = 45;

    public static string Render(SoakResult soak)
    {
        var samples = soak.Samples;
        var panels = new (string Title, Func<SoakSample, double?> Value, string Color)[]
        {
            ("RSS (MB)", s => s.RssMb, "#1f77b4"),
            ("peer CPU per token (µs)", s => s.CpuMicrosPerToken, "#d62728"),
            ("GC pause per interval (ms)", s => s.GcPauseMs, "#9467bd"),
            ("threads (process)", s => s.Threads, "#2ca02c"),
        };
        var height = Top + (panels.Length * (PanelHeight + Gap));
        var maxX = Math.Max(1, samples.Count == 0 ? 1 : samples[^1].ElapsedSeconds);
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.Append(Inv($"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>"));
        svg.Append(Inv($"<text x=\"{Left}\" y=\"22\" font-size=\"15\">Soak: {Escape(soak.Peer)}, {soak.Streams:N0} streams × {soak.TokensPerStream} tokens at {soak.TokensPerSecondPerStream} tokens/s, {soak.Minutes} min, sampled every {soak.SampleSeconds} s</text>"));
        svg.Append(Inv($"<text x=\"{Left}\" y=\"40\">RSS slope after warm-up: {Format(soak.RssSlopeMbPer10Min, "0.00")} MB per 10 min; CPU per token after warm-up {Format(soak.CpuMicrosPerTokenAfterWarmup, "0.0")} µs; GC pauses {Format(soak.GcPauseMsTotal, "0")} ms in all</text>"));
        for (var i = 0; i < panels.Length; i++)
        {
            var (title, value, color) = panels[i];
            var top = Top + (i * (PanelHeight + Gap)) + 15;
            Panel(svg, soak, samples, title, value, color, top, maxX, fitSlope: i == 0);
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, SoakResult soak, List<SoakSample> samples, string title, Func<SoakSample, double?> value, string color, int top, double maxX, bool fitSlope)
    {
        var plotWidth = Width - Left - Right;
        double X(double seconds) => Left + (seconds / maxX * plotWidth);
        var points = samples.Where(s => value(s) is not null).Select(s => (s.ElapsedSeconds, Value: value(s)!.Value)).ToList();
        svg.Append(Inv($"<text x=\"{Left}\" y=\"{top - 5}\" font-weight=\"bold\">{Escape(title)}</text>"));
        svg.Append(Inv($"<rect x=\"{Left}\" y=\"{top}\" width=\"{plotWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#999\"/>"));
        var warm = Math.Min(soak.WarmupSeconds, maxX);
        svg.Append(Inv($"<rect x=\"{Left}\" y=\"{top}\" width=\"{X(warm) - Left:0.#}\" height=\"{PanelHeight}\" fill=\"#eee\"/>"));
        svg.Append(Inv($"<text x=\"{Left + plotWidth}\" y=\"{top + PanelHeight + 15}\" text-anchor=\"end\">{maxX / 60:0.#} min</text>"));
        svg.Append(Inv($"<text x=\"{Left}\" y=\"{top + PanelHeight + 15}\">0</text>"));
        if (points.Count == 0)
        {
            svg.Append(Inv($"<text x=\"{Left + 10}\" y=\"{top + (PanelHeight / 2)}\" fill=\"#666\">not available for this peer</text>"));
            return;
        }

        var min = points.Min(p => p.Value);
        var max = points.Max(p => p.Value);
        var pad = Math.Max((max - min) * 0.1, Math.Max(Math.Abs(max) * 0.02, 0.5));
        var lo = Math.Max(0, min - pad);
        var hi = max + pad;
        double Y(double v) => top + PanelHeight - ((v - lo) / (hi - lo) * PanelHeight);
        foreach (var tick in new[] { lo, (lo + hi) / 2, hi })
        {
            svg.Append(Inv($"<text x=\"{Left - 6}\" y=\"{Y(tick) + 4:0.#}\" text-anchor=\"end\">{tick:0.#}</text>"));
            svg.Append(Inv($"<line x1=\"{Left}\" x2=\"{Left + plotWidth}\" y1=\"{Y(tick):0.#}\" y2=\"{Y(tick):0.#}\" stroke=\"#ddd\"/>"));
        }

        var line = string.Join(' ', points.Select(p => Inv($"{X(p.ElapsedSeconds):0.#},{Y(p.Value):0.#}")));
        svg.Append(Inv($"<polyline points=\"{line}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\"/>"));
        if (fitSlope && soak.RssSlopeMbPer10Min is { } slope)
        {
            // The fitted line over the samples the slope was computed from.
            var fitted = samples.Where(SoakSummary.InSlope(soak)).Select(s => (s.ElapsedSeconds, Value: value(s) ?? 0)).ToList();
            if (fitted.Count >= 2)
            {
                var perSecond = slope / 600;
                var meanX = fitted.Average(p => p.ElapsedSeconds);
                var meanY = fitted.Average(p => p.Value);
                var (x0, x1) = (fitted[0].ElapsedSeconds, fitted[^1].ElapsedSeconds);
                svg.Append(Inv($"<line x1=\"{X(x0):0.#}\" y1=\"{Y(meanY + ((x0 - meanX) * perSecond)):0.#}\" x2=\"{X(x1):0.#}\" y2=\"{Y(meanY + ((x1 - meanX) * perSecond)):0.#}\" stroke=\"black\" stroke-dasharray=\"6,4\"/>"));
            }
        }
    }

    private static string Format(double? v, string format) => v is { } d ? d.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
