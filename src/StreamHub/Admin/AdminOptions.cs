using System.ComponentModel.DataAnnotations;

namespace StreamHub.Admin;

/// <summary>
/// The <c>Admin</c> settings. <c>Admin:ApiKey</c> is the operators' bearer key (read by Identity); absent,
/// no key is an admin key and every <c>/admin</c> call answers 401 or 403. <c>Admin:PublicApiDocs</c>
/// serves <c>/openapi/v1.json</c> and <c>/scalar</c> without a key (default: only in Development).
/// </summary>
internal sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>Empty counts as absent (a regular expression passes an empty value).</summary>
    [RegularExpression(@"^[\s\S]{16,}$", ErrorMessage = "{0} must be at least 16 characters (or absent to turn the admin endpoints off)")]
    public string? ApiKey { get; set; }

    public bool? PublicApiDocs { get; set; }
}
