using System.Text.Json;
using StackExchange.Redis;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// Resumable requests recorded in Redis under their instance's lease: when the lease expires the requests become
/// orphans (lease expiry is one script), every instance hears of it by pub/sub, and one survivor claims each
/// (one script), becoming its owner so that it is handed on again should the survivor die too.
/// </summary>
internal sealed class ClusterResumableJournal(ClusterLink link, ClusterLedger ledger, ILogger<ClusterResumableJournal> logger) : IResumableJournal
{
    private TaskCompletionSource _orphans = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Orphans => Volatile.Read(ref _orphans).Task;

    public async ValueTask<IAsyncDisposable> BeginAsync(ResumableRecord record, CancellationToken cancellationToken)
    {
        // Request ids are each scope's own: two tenants' resumable requests of one id are two records.
        var id = record.Scope + "/" + record.Request.RequestId;
        var json = JsonSerializer.Serialize(record, ClusterJsonContext.Default.ResumableRecord);
        bool inCluster;
        lock (link.Gate)
        {
            ledger.Resumables[id] = json;
            inCluster = link.InCluster;
        }

        if (inCluster)
        {
            await SendAsync(id, json);
        }

        return new Ownership(this, id);
    }

    public async ValueTask<ClaimedRequest?> ClaimAsync(CancellationToken cancellationToken)
    {
        if (!link.InCluster)
        {
            return null;
        }

        RedisResult[] reply;
        try
        {
            reply = (RedisResult[])(await link.EvaluateAsync(ClusterScript.Claim, link.Arguments(0)))!;
        }
        catch (ClusterUnavailableException)
        {
            return null;
        }

        if (reply.Length < 2)
        {
            return null;
        }

        var id = (string)reply[0]!;
        var json = (string)reply[1]!;
        lock (link.Gate)
        {
            ledger.Resumables[id] = json;
        }

        var record = JsonSerializer.Deserialize(json, ClusterJsonContext.Default.ResumableRecord)!;
        return new ClaimedRequest(record, new Ownership(this, id));
    }

    /// <summary>Requests of a dead instance wait for a survivor (its reaping was heard, or a heartbeat saw some).</summary>
    public void OrphansWaiting()
        => Interlocked.Exchange(ref _orphans, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private async ValueTask EndAsync(string id)
    {
        bool inCluster;
        lock (link.Gate)
        {
            ledger.Resumables.Remove(id);
            inCluster = link.InCluster;
        }

        if (inCluster)
        {
            await SendAsync(id, "");
        }
    }

    private async Task SendAsync(string id, string record)
    {
        var values = link.Arguments(2);
        values[3] = id;
        values[4] = record;
        try
        {
            await link.EvaluateAsync(ClusterScript.Resumable, values);
        }
        catch (ClusterUnavailableException)
        {
            // The next rejoin records exactly the requests still running here.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Cluster admission: recording resumable request {Request} failed", id);
        }
    }

    private sealed class Ownership(ClusterResumableJournal journal, string id) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? journal.EndAsync(id) : default;
    }
}
