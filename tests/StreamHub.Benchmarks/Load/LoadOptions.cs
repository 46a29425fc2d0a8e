using System.Globalization;

namespace StreamHub.Benchmarks.Load;

/// <summary>The load runner's command line. Every run is bounded: a stream count, a per-phase deadline, loopback only.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        usage:
          StreamHub.Benchmarks load   [--streams 1000] [options]
          StreamHub.Benchmarks ladder [--steps 100,1000,5000,10000] [options]
          StreamHub.Benchmarks micro  [--filter *] [BenchmarkDotNet options]
        options:
          --tps 20                 tokens per second per stream (emulator TokensPerSecond)
          --tokens auto            tokens per answer (auto: max(100, (ramp + 4 s) x tps), so all N streams overlap for 4 s)
          --first-token-ms 50      emulator FirstTokenDelay
          --per-connection 100     streams per SignalR connection (sets Streaming:MaxStreamsPerConnection)
          --ramp-ms auto           spread stream starts over this long (auto: 1 ms per stream, at least 1 s: 1,000 new
                                   connections a second stay inside Kestrel's accept backlog of 512)
          --repeat 3               runs per step (fresh processes each run); the table uses the median
          --skip-direct            no direct-SSE baseline
          --target URL             a running StreamHub (e.g. http://127.0.0.1:5080); not started by the runner
          --emulator URL           a running emulator root (e.g. http://127.0.0.1:5199); not started by the runner
          --hub-pid / --emulator-pid PID   /proc stats of running targets
          --hub-port 5080 --emulator-port 5199
          --hub-dll PATH --emulator-dll PATH   default: src/*/bin/Release/net10.0 of this repository
          --hub-arg ARG            extra StreamHub argument, repeatable, last wins (e.g. --hub-arg --Upstream:Regions:0:MaxConnections=256)
          --hub-env KEY=VALUE      extra StreamHub environment variable, repeatable (e.g. --hub-env DOTNET_gcServer=0)
          --slack-s 60             deadline per phase beyond the streams' own duration
          --max-fail-percent 1 --max-p99-ms 1000   ladder stop rule (on the median run)
          --results DIR            default: tests/StreamHub.Benchmarks/results
          --label NAME             goes into the result file name
        """;

    public int[] Steps { get; private set; } = [1000];
    public bool Ladder { get; private set; }
    public double TokensPerSecond { get; private set; } = 20;
    public int? FixedTokens { get; private set; }
    public TimeSpan FirstTokenDelay { get; private set; } = TimeSpan.FromMilliseconds(50);
    public int PerConnection { get; private set; } = 100;
    public int? RampMs { get; private set; }
    public int Repeat { get; private set; } = 1;
    public bool SkipDirect { get; private set; }
    public Uri? Target { get; private set; }
    public Uri? EmulatorTarget { get; private set; }
    public int? HubPid { get; private set; }
    public int? EmulatorPid { get; private set; }
    public int HubPort { get; private set; } = 5080;
    public int EmulatorPort { get; private set; } = 5199;
    public string? HubDll { get; private set; }
    public string? EmulatorDll { get; private set; }
    public int SlackSeconds { get; private set; } = 60;
    public List<string> HubArgs { get; } = [];
    public Dictionary<string, string> HubEnv { get; } = [];
    public double MaxFailPercent { get; private set; } = 1;
    public double MaxP99Ms { get; private set; } = 1000;
    public string? ResultsDir { get; private set; }
    public string Label { get; private set; } = "";
    public string CommandLine { get; private set; } = "";

    public TimeSpan Ramp(int streams) => TimeSpan.FromMilliseconds(RampMs ?? Math.Max(1000, streams));

    /// <summary>Answers long enough that every stream is open at once for at least 5 s after the ramp.</summary>
    public int Tokens(int streams) => FixedTokens ?? Math.Max(100, (int)Math.Ceiling((Ramp(streams).TotalSeconds + 4) * TokensPerSecond));

    public static LoadOptions Parse(string[] args, bool ladder)
    {
        var o = new LoadOptions { Ladder = ladder, CommandLine = string.Join(' ', args) };
        if (ladder)
        {
            o.Steps = [100, 1000, 5000, 10000];
            o.Repeat = 3;
        }

        for (var i = 0; i < args.Length; i++)
        {
            var key = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{key} needs a value");
            switch (key)
            {
                case "--streams": o.Steps = [Int(key, Value(), 1, 100_000)]; break;
                case "--steps": o.Steps = Array.ConvertAll(Value().Split(',', StringSplitOptions.RemoveEmptyEntries), s => Int(key, s, 1, 100_000)); break;
                case "--tps": o.TokensPerSecond = Double(key, Value()); break;
                case "--tokens": o.FixedTokens = Value() is var t && t == "auto" ? null : Int(key, t, 1, 100_000); break;
                case "--first-token-ms": o.FirstTokenDelay = TimeSpan.FromMilliseconds(Int(key, Value(), 0, 60_000)); break;
                case "--per-connection": o.PerConnection = Int(key, Value(), 1, 1000); break;
                case "--ramp-ms": o.RampMs = Int(key, Value(), 0, 600_000); break;
                case "--repeat": o.Repeat = Int(key, Value(), 1, 20); break;
                case "--skip-direct": o.SkipDirect = true; break;
                case "--target": o.Target = Loopback(key, Value()); break;
                case "--emulator": o.EmulatorTarget = Loopback(key, Value()); break;
                case "--hub-pid": o.HubPid = Int(key, Value(), 1, int.MaxValue); break;
                case "--emulator-pid": o.EmulatorPid = Int(key, Value(), 1, int.MaxValue); break;
                case "--hub-port": o.HubPort = Int(key, Value(), 1, 65535); break;
                case "--emulator-port": o.EmulatorPort = Int(key, Value(), 1, 65535); break;
                case "--hub-dll": o.HubDll = Value(); break;
                case "--emulator-dll": o.EmulatorDll = Value(); break;
                case "--hub-arg": o.HubArgs.Add(Value()); break;
                case "--hub-env":
                    var pair = Value();
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        throw new FormatException($"--hub-env needs KEY=VALUE, got '{pair}'");
                    }

                    o.HubEnv[pair[..eq]] = pair[(eq + 1)..];
                    break;
                case "--slack-s": o.SlackSeconds = Int(key, Value(), 1, 3600); break;
                case "--max-fail-percent": o.MaxFailPercent = Double(key, Value()); break;
                case "--max-p99-ms": o.MaxP99Ms = Double(key, Value()); break;
                case "--results": o.ResultsDir = Value(); break;
                case "--label": o.Label = Value(); break;
                default: throw new FormatException($"unknown option {key}");
            }
        }

        return o;
    }

    private static int Int(string key, string value, int min, int max)
        => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"{key} needs an integer in [{min}, {max}], got '{value}'");

    private static double Double(string key, string value)
        => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 && !double.IsInfinity(n)
            ? n
            : throw new FormatException($"{key} needs a positive number, got '{value}'");

    /// <summary>The runner only ever talks to this machine.</summary>
    private static Uri Loopback(string key, string value)
        => Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == "http" && (uri.Host == "127.0.0.1" || uri.Host == "localhost")
            ? uri
            : throw new FormatException($"{key} must be an http URL on 127.0.0.1, got '{value}'");
}
