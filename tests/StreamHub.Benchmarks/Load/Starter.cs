using System.Diagnostics;

namespace StreamHub.Benchmarks.Load;

/// <summary>Starts streams on a linear ramp, so N streams do not all open in the same millisecond.</summary>
internal static class Starter
{
    public static async Task<Task[]> StartAllAsync(int streams, TimeSpan ramp, Func<int, Task> start, CancellationToken ct)
    {
        var tasks = new Task[streams];
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < streams; i++)
        {
            var due = ramp * ((double)i / streams);
            var wait = due - Stopwatch.GetElapsedTime(t0);
            if (wait > TimeSpan.FromMilliseconds(2))
            {
                await Task.Delay(wait, ct);
            }

            tasks[i] = start(i);
        }

        return tasks;
    }
}
