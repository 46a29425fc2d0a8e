using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using MessagePack;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using StreamHub.Contracts;

namespace StreamHub.Streaming;

/// <summary>
/// The answer to a hub message its protocol could not parse: JSON nested beyond the parser's depth, a lone
/// UTF-16 surrogate or a number where SignalR reads a string (target, invocation id, headers), arguments that
/// are not an array, a frame cut short. SignalR would close the connection; instead, when the frame still shows
/// an invocation and its id, the call is answered with <c>invalid_request</c>, and anything else is dropped
/// (as a ping), so the connection goes on serving either way.
/// </summary>
internal static class UnreadableMessage
{
    private const int InvocationType = HubProtocolConstants.InvocationMessageType;
    private const int StreamInvocationType = HubProtocolConstants.StreamInvocationMessageType;

    /// <param name="frame">The whole message as it was taken from the input (separator or length prefix included).</param>
    public static HubMessage Answer(ReadOnlySequence<byte> frame, TransferFormat format, Exception reason)
    {
        var (type, invocationId, target) = format == TransferFormat.Text ? ReadJson(frame) : ReadMessagePack(frame);
        if (type is not (InvocationType or StreamInvocationType) || string.IsNullOrEmpty(invocationId))
        {
            // Nothing can be answered (SignalR answers no call without an invocation id either).
            return PingMessage.Instance;
        }

        // SignalR passes a HubException's message on to the caller; HubErrorWording keeps its code.
        var failure = new HubException($"{ErrorCodes.InvalidRequest}: {Why(reason)}");
        return new InvocationBindingFailureMessage(invocationId, target ?? "", ExceptionDispatchInfo.Capture(failure));
    }

    private static string Why(Exception reason) => reason switch
    {
        JsonException json when json.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
            => "the message nests deeper than the 64 levels a hub message may have",
        InvalidOperationException when reason.Message.Contains("UTF-16", StringComparison.Ordinal)
            => "the message holds text that is not valid Unicode (a lone UTF-16 surrogate such as \\ud800)",
        MessagePackSerializationException when reason.InnerException is InsufficientExecutionStackException || reason.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
            => "the message nests deeper than a hub message may",
        _ => "the message is not a hub message this server can read: an object with type, invocationId, target (strings) and arguments (an array)",
    };

    /// <summary>The top-level type, invocationId and target of a JSON message, as far as the text allows.</summary>
    private static (int? Type, string? InvocationId, string? Target) ReadJson(ReadOnlySequence<byte> frame)
    {
        if (frame.Length > 0)
        {
            frame = frame.Slice(0, frame.Length - 1); // the record separator
        }

        int? type = null;
        string? invocationId = null, target = null;

        // Nesting cannot be deeper than the frame is long; the default depth (64) is what failed the protocol.
        var reader = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = (int)Math.Min(int.MaxValue, frame.Length + 1) });
        try
        {
            string? property = null;
            while (reader.Read())
            {
                if (reader.CurrentDepth != 1)
                {
                    continue;
                }

                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    property = reader.ValueTextEquals("type"u8) ? "type"
                        : reader.ValueTextEquals("invocationId"u8) ? "invocationId"
                        : reader.ValueTextEquals("target"u8) ? "target"
                        : null;
                    continue;
                }

                switch (property)
                {
                    case "type" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value):
                        type = value;
                        break;
                    case "invocationId" when reader.TokenType == JsonTokenType.String:
                        invocationId = reader.GetString();
                        break;
                    case "target" when reader.TokenType == JsonTokenType.String:
                        target = reader.GetString();
                        break;
                }

                property = null;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Keep what was read before the text went wrong.
        }

        return (type, invocationId, target);
    }

    /// <summary>The type, invocation id and target of a MessagePack invocation ([type, headers, id, target, …]).</summary>
    private static (int? Type, string? InvocationId, string? Target) ReadMessagePack(ReadOnlySequence<byte> frame)
    {
        int? type = null;
        string? invocationId = null, target = null;
        try
        {
            var reader = new MessagePackReader(WithoutLengthPrefix(frame));
            var count = reader.ReadArrayHeader();
            type = reader.ReadInt32();
            if (count >= 4 && type is InvocationType or StreamInvocationType)
            {
                reader.Skip(); // headers
                invocationId = reader.TryReadNil() ? null : reader.ReadString();
                target = reader.ReadString();
            }
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException or InvalidOperationException)
        {
            // Keep what was read before the bytes went wrong.
        }

        return (type, invocationId, target);
    }

    /// <summary>Drops SignalR's varint length prefix (7 bits a byte, at most 5 bytes).</summary>
    private static ReadOnlySequence<byte> WithoutLengthPrefix(ReadOnlySequence<byte> frame)
    {
        var reader = new SequenceReader<byte>(frame);
        for (var i = 0; i < 5 && reader.TryRead(out var b); i++)
        {
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        return frame.Slice(reader.Position);
    }
}
