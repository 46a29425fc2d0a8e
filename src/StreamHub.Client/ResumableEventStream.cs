using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace StreamHub.Client;

/// <summary>
/// Reads one request's events across dropped connections. When the connection drops (anything but the hub's own
/// coded error or the caller's cancellation), it reconnects through <see cref="HubConnectionSource"/>, which may
/// reach any instance, and goes on with <c>Watch(requestId, lastSeq)</c>: events already seen are skipped by
/// <c>seq</c>, so the reader sees each event once, in order.
/// </summary>
internal sealed class ResumableEventStream(HubConnectionSource connections, StreamHubClientOptions options)
{
    /// <param name="requestId">The request whose events these are (what <c>Watch</c> follows after a drop).</param>
    /// <param name="open">Opens the first stream (<c>StreamEvents</c> for a new request, <c>Watch</c> to follow one).</param>
    /// <param name="resumable">Whether a drop may be resumed; if not, it fails with <c>connection_lost</c>.</param>
    /// <param name="afterSeq">Events up to this one are not wanted (0: all).</param>
    /// <param name="cancellationToken">The caller's: ends the reading (and the hub stream) without a resume.</param>
    public async IAsyncEnumerable<StreamHubEvent> ReadAsync(
        string requestId,
        Func<HubConnection, CancellationToken, IAsyncEnumerable<StreamHubEvent>> open,
        bool resumable,
        long afterSeq,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lastSeq = afterSeq;
        var attempt = 0; // reconnect attempts since the last event that got through
        var connection = await connections.GetAsync(cancellationToken);
        var events = open(connection, cancellationToken);
        var watching = false;
        var resent = false; // a request is sent again at most once
        while (true)
        {
            Exception? drop = null;
            var resend = false;
            await using (var reader = events.GetAsyncEnumerator(cancellationToken))
            {
                while (true)
                {
                    StreamHubEvent item;
                    try
                    {
                        if (!await reader.MoveNextAsync())
                        {
                            break;
                        }

                        item = reader.Current;
                    }
                    catch (HubException ex)
                    {
                        var error = StreamHubException.FromHubMessage(ex.Message, ex);
                        if (watching && lastSeq == afterSeq && error.Code == StreamHubErrorCodes.InvalidRequest && !resent)
                        {
                            // The drop came before the request reached the hub (no instance knows it): send it again.
                            resend = true;
                            break;
                        }

                        throw error;
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not StreamHubException)
                    {
                        drop = ex;
                        break;
                    }

                    if (item.Seq > 0 && item.Seq <= lastSeq)
                    {
                        continue; // already delivered before the drop
                    }

                    lastSeq = Math.Max(lastSeq, item.Seq);
                    attempt = 0;
                    yield return item;
                }
            }

            if (resend)
            {
                (watching, resent) = (false, true);
                events = open(connection, cancellationToken);
                continue;
            }

            if (drop is null)
            {
                yield break;
            }

            if (!resumable)
            {
                throw new StreamHubException(
                    StreamHubErrorCodes.ConnectionLost,
                    "the connection to StreamHub dropped mid-answer and the request is not resumable; send it again",
                    null,
                    drop);
            }

            (connection, attempt) = await ReconnectAsync(connection, attempt, drop, cancellationToken);
            events = connection.StreamAsync<StreamHubEvent>("Watch", requestId, lastSeq, cancellationToken);
            watching = true;
        }
    }

    /// <summary>Waits and reconnects, attempt after attempt, until one works or the delays run out.</summary>
    private async Task<(HubConnection Connection, int Attempt)> ReconnectAsync(
        HubConnection broken, int attempt, Exception drop, CancellationToken cancellationToken)
    {
        var delays = options.ReconnectDelays;
        Exception last = drop;
        while (attempt < delays.Count)
        {
            await Task.Delay(delays[attempt++], options.TimeProvider, cancellationToken);
            try
            {
                return (await connections.ReplaceAsync(broken, cancellationToken), attempt);
            }
            catch (StreamHubException ex) when (ex.Code == StreamHubErrorCodes.ConnectionLost)
            {
                last = ex;
            }
        }

        throw new StreamHubException(
            StreamHubErrorCodes.ConnectionLost,
            $"the connection to StreamHub dropped and {delays.Count} attempts to resume failed: {last.Message}",
            null,
            last);
    }
}
