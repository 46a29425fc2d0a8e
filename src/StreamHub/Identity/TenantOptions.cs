using System.ComponentModel.DataAnnotations;
using StreamHub.Contracts;

namespace StreamHub.Identity;

/// <summary>One API-key tenant (<c>Tenants:N</c>).</summary>
internal sealed class TenantOptions
{
    private const string Limit = "{0} must be at least 1 (or absent for no limit).";

    [Required(ErrorMessage = "{0} must be set.")]
    [RegularExpression(TenantNames.Pattern, ErrorMessage = "{0} must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' or '-'.")]
    public string Name { get; set; } = "";

    /// <summary>The tenant's bearer key; compared in constant time, never logged or shown.</summary>
    [MinLength(16, ErrorMessage = "{0} must be at least {1} characters.")]
    public string ApiKey { get; set; } = "";

    [EnumDataType(typeof(Priority), ErrorMessage = "{0} must be Critical, High, Normal or Low.")]
    public Priority Tier { get; set; } = Priority.Normal;

    [Range(1, int.MaxValue, ErrorMessage = Limit)]
    public int? RequestsPerMinute { get; set; }

    [Range(1, int.MaxValue, ErrorMessage = Limit)]
    public int? TokensPerMinute { get; set; }

    [Range(1, int.MaxValue, ErrorMessage = Limit)]
    public int? MaxConcurrentStreams { get; set; }

    /// <summary><c>Tenants:N:Models:K</c>: the client-facing models the tenant may use; empty (the default): any.</summary>
    public List<string> Models { get; set; } = [];
}
