using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// One Lua script of the cluster admission (the shared prelude plus its own body, embedded as resources),
/// sent as <c>EVALSHA</c>, and as <c>EVAL</c> only when the server does not know it yet (a first call, or a
/// Redis that restarted): one round trip in the normal case.
/// </summary>
internal sealed class ClusterScript
{
    public static readonly ClusterScript Acquire = Load("acquire");
    public static readonly ClusterScript Release = Load("release");
    public static readonly ClusterScript Cancel = Load("cancel");
    public static readonly ClusterScript Heartbeat = Load("heartbeat");
    public static readonly ClusterScript Rejoin = Load("rejoin");
    public static readonly ClusterScript Leave = Load("leave");
    public static readonly ClusterScript Limits = Load("limits");
    public static readonly ClusterScript Snapshot = Load("snapshot");
    public static readonly ClusterScript TenantAcquire = Load("tenant_acquire");
    public static readonly ClusterScript TenantRelease = Load("tenant_release");
    public static readonly ClusterScript Resumable = Load("resumable");
    public static readonly ClusterScript Claim = Load("claim");

    private readonly byte[] _hash;

    private ClusterScript(string name, string source)
    {
        Name = name;
        Source = source;

        // SHA-1 is what Redis names scripts by; nothing here depends on it resisting collisions.
#pragma warning disable CA5350
        _hash = SHA1.HashData(Encoding.UTF8.GetBytes(source));
#pragma warning restore CA5350
    }

    public string Name { get; }

    public string Source { get; }

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync db, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await db.ScriptEvaluateAsync(_hash, keys, values);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await db.ScriptEvaluateAsync(Source, keys, values);
        }
    }

    public RedisResult Evaluate(IDatabase db, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return db.ScriptEvaluate(_hash, keys, values);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return db.ScriptEvaluate(Source, keys, values);
        }
    }

    private static ClusterScript Load(string name)
    {
        // The body runs as a function so that the prelude's epilogue (every written key expires) follows any return.
        var source = Read("prelude") + "\nlocal function body()\n" + Read(name) + "\nend\nlocal result = body()\nexpireWritten()\nreturn result\n";
        return new ClusterScript(name, source);
    }

    private static string Read(string name)
    {
        using var stream = typeof(ClusterScript).Assembly.GetManifestResourceStream($"ClusterLua.{name}.lua")
            ?? throw new InvalidOperationException($"The embedded script {name}.lua is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
