using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;

namespace StreamHub.Identity;

/// <summary>Settings under <c>Identity</c>: whether callers without a key may stream, and how much.</summary>
internal sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>
    /// Whether callers without a key may stream. Unset (as shipped): only while the embedded emulator is the
    /// upstream, so no one spends a real region's key without a key of their own (see <see cref="AnonymousAccess"/>).
    /// </summary>
    public bool? AllowAnonymous { get; set; }

    /// <summary>The tier anonymous callers get; it caps the priority they may ask for.</summary>
    [EnumDataType(typeof(Priority), ErrorMessage = "{0} must be Critical, High, Normal or Low.")]
    public Priority AnonymousTier { get; set; } = Priority.Normal;

    /// <summary>What anonymous callers may use, pooled per client address.</summary>
    [ValidateObjectMembers]
    public CallerLimitsOptions AnonymousLimits { get; set; } = new()
    {
        RequestsPerMinute = 60,
        TokensPerMinute = 100_000,
        MaxConcurrentStreams = 4,
    };
}
