using BenchmarkDotNet.Running;
using StreamHub.Benchmarks.Load;
using StreamHub.Benchmarks.Micro;
using StreamHub.Benchmarks.Soak;

namespace StreamHub.Benchmarks;

/// <summary>
/// <c>load</c>: one step (N streams at R tokens/s) through every peer: direct from the emulator, nginx, YARP,
/// and StreamHub (SignalR JSON and MessagePack, and its <c>/v1/chat/completions</c>).
/// <c>ladder</c>: the scale ladder (100, 1,000, 5,000, 10,000 streams), stopping at the first step that fails.
/// <c>soak</c>: N streams through one peer for D minutes, new streams replacing finished ones, sampled every 10 s.
/// <c>micro</c>: BenchmarkDotNet over the hot path (arguments after <c>micro</c> go to BenchmarkSwitcher).
/// </summary>
internal static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        var command = args.Length == 0 ? "help" : args[0];
        var rest = args.Length == 0 ? [] : args[1..];
        switch (command)
        {
            case "micro":
                BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(rest, MicroConfig.Create(rest));
                return 0;
            case "load":
            case "ladder":
            case "soak":
                LoadOptions options;
                try
                {
                    options = LoadOptions.Parse(rest, command);
                }
                catch (FormatException e)
                {
                    await Console.Error.WriteLineAsync(e.Message);
                    await Console.Error.WriteLineAsync(LoadOptions.Usage);
                    return 2;
                }

                return command == "soak" ? await SoakRunner.RunAsync(options) : await LoadRunner.RunAsync(options);
            default:
                Console.WriteLine(LoadOptions.Usage);
                return command == "help" ? 0 : 2;
        }
    }
}
