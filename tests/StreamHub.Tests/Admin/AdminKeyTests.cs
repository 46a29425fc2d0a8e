using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Admin;

/// <summary>
/// Credentials kept apart: the operators' key may not also be a tenant's key (a tenant holding it would be an
/// operator). Start-up stops naming both keys and never the value.
/// </summary>
public sealed class AdminKeyTests
{
    private const string Shared = "shared-key-0123456789abcdef";

    [Fact]
    public async Task BuildApp_AdminKeyEqualsATenantKey_StartFailsNamingBothKeysNeverTheValue()
    {
        var error = await FailedStart.RunAsync(
            "Admin:ApiKey=" + Shared,
            "Tenants:0:Name=acme",
            "Tenants:0:ApiKey=acme-key-0123456789abcdef",
            "Tenants:1:Name=beta",
            "Tenants:1:ApiKey=" + Shared);

        Assert.Contains("Admin:ApiKey is the same as Tenants:1:ApiKey", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Shared, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildApp_AdminKeyUnlikeEveryTenantKey_Starts()
    {
        var lines = await StartupLog.CaptureAsync(
            "Admin:ApiKey=" + Shared,
            "Tenants:0:Name=acme",
            "Tenants:0:ApiKey=acme-key-0123456789abcdef");

        Assert.DoesNotContain(lines, static l => l.Contains("Admin:ApiKey", StringComparison.Ordinal));
    }
}
