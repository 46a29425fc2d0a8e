using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace StreamHub.Benchmarks.Micro;

/// <summary>
/// A short job (3 warm-ups, 3 iterations) run in-process: the suite finishes in minutes, and no generated
/// project is built under this repository's warnings-as-errors props. Passing <c>--job</c> replaces it.
/// </summary>
internal static class MicroConfig
{
    public static IConfig Create(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.JoinSummary);
        return args.Contains("--job")
            ? config
            : config.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess"));
    }
}
