namespace StreamHub.Admin;

/// <summary>
/// The <c>Admin</c> settings. <c>Admin:ApiKey</c> is the operators' bearer key (read by Identity); absent,
/// no key is an admin key and every <c>/admin</c> call answers 401 or 403. <c>Admin:PublicApiDocs</c>
/// serves <c>/openapi/v1.json</c> and <c>/scalar</c> without a key (default: only in Development).
/// </summary>
internal sealed class AdminOptions
{
    public const string Section = "Admin";

    public string? ApiKey { get; set; }

    public bool? PublicApiDocs { get; set; }
}
