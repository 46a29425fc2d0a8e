using BenchmarkDotNet.Running;
using StreamHub.Benchmarks.Load;
using StreamHub.Benchmarks.Micro;

namespace StreamHub.Benchmarks;

/// <summary>
/// <c>load</c>: one step (N streams at R tokens/s) through StreamHub and directly against the emulator.
/// <c>ladder</c>: the scale ladder (100, 1,000, 5,000, 10,000 streams), stopping at the first step that fails.
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
                LoadOptions options;
                try
                {
                    options = LoadOptions.Parse(rest, ladder: command == "ladder");
                }
                catch (FormatException e)
                {
                    await Console.Error.WriteLineAsync(e.Message);
                    await Console.Error.WriteLineAsync(LoadOptions.Usage);
                    return 2;
                }

                return await LoadRunner.RunAsync(options);
            default:
                Console.WriteLine(LoadOptions.Usage);
                return command == "help" ? 0 : 2;
        }
    }
}
