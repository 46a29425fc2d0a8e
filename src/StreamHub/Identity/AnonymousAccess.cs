using Microsoft.Extensions.Options;
using StreamHub.Upstream;

namespace StreamHub.Identity;

/// <summary>
/// Whether callers without a key may stream: <c>Identity:AllowAnonymous</c> when the operator set it; unset, only
/// while the embedded emulator is the upstream (the default run works without a key, and configuring a real
/// region closes the door unless the operator opens it on purpose).
/// </summary>
internal sealed class AnonymousAccess(IOptions<IdentityOptions> identity, IOptions<UpstreamOptions> upstream)
{
    public bool Allowed => identity.Value.AllowAnonymous ?? upstream.Value.Regions.TrueForAll(static r => r.Embedded);

    /// <summary>The operator turned it on explicitly (start-up says so, naming the setting).</summary>
    public bool ExplicitlyOn => identity.Value.AllowAnonymous == true;
}
