using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Threading.Channels;

namespace StreamHub.Streaming;

/// <summary>
/// An opt-in view of a stream's token channel (<c>Streaming:CoalesceWindow</c>) that hands SignalR every
/// token queued at the moment as one item, after waiting up to the window for more to arrive. Fewer,
/// larger messages cost less per token when an upstream bursts or a client falls behind; the price is up to
/// the window of added latency. Items are then runs of tokens, still in order, still the same text.
/// </summary>
internal sealed class CoalescingReader(ChannelReader<string> inner, TimeSpan window, TimeProvider timeProvider) : ChannelReader<string>
{
    /// <summary>A cap so one item never grows without bound when a client stalls.</summary>
    private const int MaxChars = 16 * 1024;

    public override Task Completion => inner.Completion;

    public override bool TryRead([MaybeNullWhen(false)] out string item)
    {
        if (!inner.TryRead(out var first))
        {
            item = null;
            return false;
        }

        if (!inner.TryPeek(out _))
        {
            item = first;
            return true;
        }

        var text = new StringBuilder(first);
        while (text.Length < MaxChars && inner.TryRead(out var next))
        {
            text.Append(next);
        }

        item = text.ToString();
        return true;
    }

    public override async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        if (!await inner.WaitToReadAsync(cancellationToken))
        {
            return false;
        }

        if (window > TimeSpan.Zero)
        {
            // Let the tokens that follow within the window join this one; the channel keeps them meanwhile.
            await Task.Delay(window, timeProvider, cancellationToken);
        }

        return true;
    }

    public override bool TryPeek([MaybeNullWhen(false)] out string item) => inner.TryPeek(out item);

    public override bool CanPeek => inner.CanPeek;
}
