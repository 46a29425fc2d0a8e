using System.ComponentModel.DataAnnotations;
using StreamHub.Contracts;

namespace StreamHub.Identity;

/// <summary>Settings under <c>Identity</c>: what callers without a key may do.</summary>
internal sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>Whether callers without a key may stream (true in the default run).</summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>The tier anonymous callers get; it caps the priority they may ask for.</summary>
    [EnumDataType(typeof(Priority), ErrorMessage = "{0} must be Critical, High, Normal or Low.")]
    public Priority AnonymousTier { get; set; } = Priority.Normal;
}
