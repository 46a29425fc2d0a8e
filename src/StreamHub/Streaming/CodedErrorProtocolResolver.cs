using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace StreamHub.Streaming;

/// <summary>
/// SignalR's protocol resolver, handing out every registered hub protocol wrapped in
/// <see cref="CodedErrorProtocol"/>. Wrapping where protocols are resolved, not where they are registered,
/// covers whatever registers a protocol before or after (<c>AddSignalR()</c>, <c>AddMessagePackProtocol()</c>,
/// the Redis backplane), in any order. As SignalR's own resolver, the last protocol of a name wins.
/// </summary>
internal sealed class CodedErrorProtocolResolver : IHubProtocolResolver
{
    private readonly Dictionary<string, IHubProtocol> _byName = new(StringComparer.OrdinalIgnoreCase);

    public CodedErrorProtocolResolver(IEnumerable<IHubProtocol> protocols)
    {
        foreach (var protocol in protocols)
        {
            _byName[protocol.Name] = protocol as CodedErrorProtocol ?? new CodedErrorProtocol(protocol);
        }

        AllProtocols = [.. _byName.Values];
    }

    public IReadOnlyList<IHubProtocol> AllProtocols { get; }

    public IHubProtocol? GetProtocol(string protocolName, IReadOnlyList<string>? supportedProtocols)
    {
        ArgumentNullException.ThrowIfNull(protocolName);
        return _byName.TryGetValue(protocolName, out var protocol)
            && (supportedProtocols is null || supportedProtocols.Contains(protocolName, StringComparer.OrdinalIgnoreCase))
            ? protocol
            : null;
    }
}
