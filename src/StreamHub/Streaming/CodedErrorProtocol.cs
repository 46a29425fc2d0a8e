using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using StreamHub.Contracts;

namespace StreamHub.Streaming;

/// <summary>
/// Wraps a hub protocol so that every error a client receives starts with its contract code. SignalR
/// prefixes a <see cref="HubException"/>'s message with "An error occurred on the server while streaming
/// results. HubException: ", and answers an argument it cannot bind with a generic "Failed to invoke"
/// sentence; the contract promises "code: sentence". Only completion messages carrying an error are
/// rewritten; every other message passes through untouched.
/// </summary>
internal sealed class CodedErrorProtocol(IHubProtocol inner) : IHubProtocol
{
    private const string HubExceptionMarker = "HubException: ";

    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
        => inner.TryParseMessage(ref input, binder, out message);

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(Rewrite(message), output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(Rewrite(message));

    private static HubMessage Rewrite(HubMessage message)
    {
        if (message is not CompletionMessage { Error: { } error } completion)
        {
            return message;
        }

        var coded = Code(error);
        return ReferenceEquals(coded, error)
            ? message
            : new CompletionMessage(completion.InvocationId!, coded, result: null, hasResult: false) { Headers = completion.Headers };
    }

    /// <summary>The error as the contract words it: "code: sentence".</summary>
    internal static string Code(string error)
    {
        var marker = error.IndexOf(HubExceptionMarker, StringComparison.Ordinal);
        if (marker >= 0)
        {
            return error[(marker + HubExceptionMarker.Length)..];
        }

        if (error.StartsWith("Failed to invoke", StringComparison.Ordinal) || error.StartsWith("Invocation provides", StringComparison.Ordinal))
        {
            return $"{ErrorCodes.InvalidRequest}: the call's arguments do not fit the method; send one request object, e.g. Stream({{ \"prompt\": \"Hello\" }})";
        }

        if (error.StartsWith("Unknown hub method", StringComparison.Ordinal) || error.StartsWith("Method does not exist", StringComparison.Ordinal))
        {
            return $"{ErrorCodes.InvalidRequest}: {error}";
        }

        return error;
    }
}
