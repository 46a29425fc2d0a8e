using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace StreamHub.Streaming;

/// <summary>
/// Wraps a hub protocol so that every call gets an answer with a contract code and the connection goes on.
/// Reading: a message the inner protocol cannot parse would close the connection; it is answered with
/// <c>invalid_request</c> instead (<see cref="UnreadableMessage"/>), and a message of a type the protocol does
/// not know is skipped without stalling the messages behind it. Writing: SignalR prefixes a
/// <see cref="HubException"/>'s message with its own sentence and answers a call it cannot run without a code;
/// completion errors are reworded as the contract promises, "code: sentence" (<see cref="HubErrorWording"/>).
/// Every other message passes through untouched.
/// </summary>
internal sealed class CodedErrorProtocol(IHubProtocol inner) : IHubProtocol
{
    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        var before = input;
        try
        {
            if (inner.TryParseMessage(ref input, binder, out message))
            {
                return true;
            }
        }
        catch (Exception ex) when (input.Length < before.Length)
        {
            // The protocol took the message off the input before it failed to read it: answer it and go on.
            // (A failure before that, such as a length prefix over 2 GB, leaves nothing to skip to: it still closes.)
            message = UnreadableMessage.Answer(before.Slice(0, before.Length - input.Length), TransferFormat, ex);
            return true;
        }

        // A whole message of a type the protocol does not know was consumed and dropped: say so with a message
        // SignalR ignores, or the messages behind it in the same read would wait for more input.
        message = input.Length < before.Length ? PingMessage.Instance : null;
        return message is not null;
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(Rewrite(message), output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(Rewrite(message));

    private static HubMessage Rewrite(HubMessage message)
    {
        if (message is not CompletionMessage { Error: { } error } completion)
        {
            return message;
        }

        var coded = HubErrorWording.HasCode(error) ? error : HubErrorWording.Code(error);
        return ReferenceEquals(coded, error)
            ? message
            : new CompletionMessage(completion.InvocationId!, coded, result: null, hasResult: false) { Headers = completion.Headers };
    }
}
