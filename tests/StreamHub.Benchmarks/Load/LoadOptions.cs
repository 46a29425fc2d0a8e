using System.Globalization;

namespace StreamHub.Benchmarks.Load;

/// <summary>The load runner's command line. Every run is bounded: a stream count, a per-phase deadline, loopback only.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        usage:
          StreamHub.Benchmarks load   [--streams 1000] [options]       one step, every peer
          StreamHub.Benchmarks ladder [--steps 100,1000,5000,10000] [options]
          StreamHub.Benchmarks soak   [--peer hub-json] [--streams 1000] [--minutes 30] [options]
          StreamHub.Benchmarks micro  [--filter *] [BenchmarkDotNet options]
        options:
          --peers all              peers to measure, in this order: direct,nginx,yarp,hub-json,hub-msgpack,hub-sse
                                   (not in all: hub-redis = hub-json with Redis:ConnectionString to a redis-server the runner
                                   starts; reports Redis commands per delivered token from INFO commandstats)
          --tps 20                 tokens per second per stream (emulator TokensPerSecond)
          --tokens auto            tokens per answer (auto: max(100, (ramp + 4 s) x tps), so all N streams overlap for 4 s;
                                   soak: 100)
          --first-token-ms 50      emulator FirstTokenDelay
          --per-connection 100     streams per SignalR connection (sets Streaming:MaxStreamsPerConnection)
          --ramp-ms auto           spread stream starts over this long (auto: 1 ms per stream, at least 1 s)
          --repeat 3               runs per step (fresh processes each run); the tables use the medians
          --skip-direct            same as leaving direct out of --peers (no added-latency figures then)
          --nginx PATH             default: nginx on PATH or /usr/sbin/nginx (Debian package nginx)
          --nginx-workers auto     nginx worker_processes
          --yarp-dll PATH --hub-dll PATH --emulator-dll PATH   default: bin/Release/net10.0 of this repository
          --target URL             a running StreamHub (e.g. http://127.0.0.1:5080) for the hub peers; not started by the runner
          --emulator URL           a running emulator root (e.g. http://127.0.0.1:5199); not started by the runner
          --hub-pid / --emulator-pid PID   /proc stats of running targets
          --hub-port --emulator-port       default: a free loopback port each
          --hub-arg ARG            extra StreamHub argument, repeatable, last wins (e.g. --hub-arg --Upstream:Regions:0:MaxConnections=256)
          --hub-env KEY=VALUE      extra StreamHub environment variable, repeatable (e.g. --hub-env DOTNET_gcServer=0)
          --warmup full            full: light rounds, then .NET peers until their JIT is quiet (rounds of up to 1,000 streams);
                                   light: the two light rounds (of up to 200 streams) only, as before issue 16's last pass
          --slack-s 60             deadline per phase beyond the streams' own duration
          --max-fail-percent 1 --max-p99-ms 1000   ladder stop rule (hub-json's median, else the last peer's)
          --results DIR            default: tests/StreamHub.Benchmarks/results
          --label NAME             goes into the result file names
        soak options:
          --peer hub-json          the one peer soaked (any of the above but direct)
          --minutes 30             how long streams keep being replaced
          --sample-s 10            sampling interval (RSS, CPU per token, GC pauses, threads)
          --warmup-s auto          samples before this are left out of the RSS slope (auto: a quarter of the run, at most 300)
        """;

    public int[] Steps { get; private set; } = [1000];
    public string Command { get; private set; } = "load";
    public bool Ladder => Command == "ladder";
    public Peer[] Peers { get; private set; } = Load.Peers.All;
    public Peer SoakPeer { get; private set; } = Peer.HubJson;
    public double Minutes { get; private set; } = 30;
    public int SampleSeconds { get; private set; } = 10;
    public int? WarmupSeconds { get; private set; }

    /// <summary>Whether .NET peers are warmed until their JIT is quiet (else only the two light rounds).</summary>
    public bool FullWarmup { get; private set; } = true;
    public string? NginxPath { get; private set; }
    public string NginxWorkers { get; private set; } = "auto";
    public string? YarpDll { get; private set; }
    public double TokensPerSecond { get; private set; } = 20;
    public int? FixedTokens { get; private set; }
    public TimeSpan FirstTokenDelay { get; private set; } = TimeSpan.FromMilliseconds(50);
    public int PerConnection { get; private set; } = 100;
    public int? RampMs { get; private set; }
    public int Repeat { get; private set; } = 1;
    public Uri? Target { get; private set; }
    public Uri? EmulatorTarget { get; private set; }
    public int? HubPid { get; private set; }
    public int? EmulatorPid { get; private set; }
    public int? HubPort { get; private set; }
    public int? EmulatorPort { get; private set; }
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
    public int Tokens(int streams) => FixedTokens ?? (Command == "soak" ? 100 : Math.Max(100, (int)Math.Ceiling((Ramp(streams).TotalSeconds + 4) * TokensPerSecond)));

    public StreamShape Shape(int streams) => new(Tokens(streams), TokensPerSecond, FirstTokenDelay);

    /// <summary>Soak samples before this are warm-up, left out of the RSS slope.</summary>
    public TimeSpan SoakWarmup => TimeSpan.FromSeconds(WarmupSeconds ?? Math.Min(300, Minutes * 60 / 4));

    public static LoadOptions Parse(string[] args, string command)
    {
        var o = new LoadOptions { Command = command, CommandLine = command + " " + string.Join(' ', args) };
        if (o.Ladder)
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
                case "--skip-direct": o.Peers = Array.FindAll(o.Peers, p => p != Peer.Direct); break;
                case "--peers": o.Peers = Load.Peers.Parse(Value()); break;
                case "--peer": o.SoakPeer = Load.Peers.Parse(Value()) is [var one] && one != Peer.Direct ? one : throw new FormatException("--peer takes one peer other than direct"); break;
                case "--minutes": o.Minutes = Double(key, Value()); break;
                case "--sample-s": o.SampleSeconds = Int(key, Value(), 1, 600); break;
                case "--warmup-s": o.WarmupSeconds = Value() is var w && w == "auto" ? null : Int(key, w, 0, 86_400); break;
                case "--nginx": o.NginxPath = Value(); break;
                case "--nginx-workers": o.NginxWorkers = Value() is var n && (n == "auto" || int.TryParse(n, CultureInfo.InvariantCulture, out _)) ? n : throw new FormatException("--nginx-workers takes auto or a number"); break;
                case "--yarp-dll": o.YarpDll = Value(); break;
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
                case "--warmup": o.FullWarmup = Value() switch { "full" => true, "light" => false, var v => throw new FormatException($"--warmup takes full or light, got '{v}'") }; break;
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
