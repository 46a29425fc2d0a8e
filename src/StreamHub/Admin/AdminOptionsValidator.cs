using Microsoft.Extensions.Options;

namespace StreamHub.Admin;

internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
        => options.ApiKey is { Length: > 0 and < 16 }
            ? ValidateOptionsResult.Fail("Admin:ApiKey must be at least 16 characters (or absent to turn the admin endpoints off)")
            : ValidateOptionsResult.Success;
}
