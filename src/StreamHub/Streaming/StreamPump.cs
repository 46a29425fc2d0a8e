using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;
using StreamHub.Upstream;

namespace StreamHub.Streaming;

/// <summary>
/// Moves a hub stream's items into its bounded channel, the one SignalR sends from: a slow reader makes the pump,
/// and so the upstream read, wait (backpressure), but a reader that stops reading is let go
/// (<see cref="ReaderStall"/>): after <c>Streaming:StalledReaderTimeout</c> of a full buffer the stream ends with
/// <c>aborted</c>, and a caller's request ends with it (upstream and admission permit released, resumable or not).
/// Also the hub's one translation of a failure into its wire form.
/// </summary>
internal sealed class StreamPump(
    ActiveRequests requests,
    IOptions<StreamingOptions> options,
    IOptions<UpstreamOptions> upstream,
    TimeProvider timeProvider,
    ILogger<StreamPump> logger)
{
    /// <summary>
    /// Writes the pipeline's events (as <paramref name="project"/> turns them into items; null: not sent) into the
    /// caller's channel. When the caller goes, writing stops and the enumeration is left; the pipeline decides what
    /// happens to the upstream (a resumable request goes on), unless the caller stopped reading.
    /// </summary>
    public async Task PumpRequestAsync<T>(
        IAsyncEnumerable<CompletionEvent> events,
        ChannelWriter<T> writer,
        Func<CompletionEvent, T?> project,
        RequestKey key,
        ConnectionCounter streams,
        CancellationToken cancellationToken)
        where T : class
    {
        using var scope = logger.BeginScope(new RequestLogScope(key.Id, key.Scope));
        try
        {
            await foreach (var item in events)
            {
                if (project(item) is not { } sent || writer.TryWrite(sent))
                {
                    continue;
                }

                var active = requests.Find(key, cancellationToken);
                var totalLeft = active?.SinceAdmitted is { } since ? upstream.Value.Timeouts.Total - since : (TimeSpan?)null;
                var outcome = await ReaderStall.WaitForRoomAsync(
                    writer, options.Value.StalledReaderTimeout, totalLeft, timeProvider, active?.Token ?? default, cancellationToken);
                if (outcome == ReaderStall.Outcome.Room)
                {
                    await writer.WriteAsync(sent, cancellationToken);
                }
                else if (outcome is ReaderStall.Outcome.Stalled or ReaderStall.Outcome.TotalElapsed)
                {
                    // Leaving the enumeration releases the request; the abort makes a resumable one end too.
                    var end = outcome == ReaderStall.Outcome.Stalled ? CallerStalled() : TotalElapsed();
                    active?.Abort(end.Code, end.Message);
                    writer.TryComplete(new HubException(end.ToWireMessage()));
                    return;
                }

                // RequestEnded: this item is dropped, and the next step of the enumeration throws how it ended.
            }

            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(Failure(ex, cancellationToken));
        }
        finally
        {
            streams.Return();
        }
    }

    /// <summary>Writes a watch's events into the watcher's channel; a watcher that stops reading is let go the same way.</summary>
    public async Task PumpWatchAsync(
        IAsyncEnumerable<CompletionEvent> items, ChannelWriter<StreamEvent> writer, ConnectionCounter watches, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in items.WithCancellation(cancellationToken))
            {
                var sent = item.ToWire();
                if (writer.TryWrite(sent))
                {
                    continue;
                }

                var outcome = await ReaderStall.WaitForRoomAsync(
                    writer, options.Value.StalledReaderTimeout, totalLeft: null, timeProvider, CancellationToken.None, cancellationToken);
                if (outcome != ReaderStall.Outcome.Room)
                {
                    writer.TryComplete(new HubException(WatcherStalled().ToWireMessage()));
                    return;
                }

                await writer.WriteAsync(sent, cancellationToken);
            }

            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(Failure(ex, cancellationToken));
        }
        finally
        {
            watches.Return();
        }
    }

    /// <summary>
    /// The hub's one translation of a failure into its wire form, for every method: a coded failure reaches the
    /// caller as a <see cref="HubException"/> "code: sentence", the caller's own cancel or disconnect ends a
    /// stream quietly (null), anything else is logged and sent as <c>upstream_error</c>.
    /// </summary>
    public HubException? Failure(Exception ex, CancellationToken cancellationToken = default)
    {
        switch (ex)
        {
            case StreamHubException coded:
                return new HubException(coded.ToWireMessage());
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return null;
            default:
                logger.LogError(ex, "A stream failed unexpectedly");
                return new HubException($"{ErrorCodes.UpstreamError}: the stream failed unexpectedly; retry");
        }
    }

    private StreamHubException CallerStalled() => new(
        ErrorCodes.Aborted,
        $"the caller stopped reading (its stream stayed full for {Seconds(options.Value.StalledReaderTimeout)} s), so the request was ended; read a stream as it arrives");

    private StreamHubException WatcherStalled() => new(
        ErrorCodes.Aborted,
        $"the watcher stopped reading (its stream stayed full for {Seconds(options.Value.StalledReaderTimeout)} s); watch again from the last seq read");

    private StreamHubException TotalElapsed() => new(
        ErrorCodes.UpstreamTimeout,
        $"the answer exceeded the total limit of {Seconds(upstream.Value.Timeouts.Total)} s while the caller was not reading");

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
