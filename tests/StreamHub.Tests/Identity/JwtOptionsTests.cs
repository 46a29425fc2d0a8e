using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StreamHub.Identity;

namespace StreamHub.Tests.Identity;

/// <summary>A bad <c>Identity:Jwt</c> setting stops start-up naming the key; the selector tells JWTs from keys.</summary>
public sealed class JwtOptionsTests
{
    [Theory]
    [InlineData("Identity:Jwt:SigningKey", "too-short-key", "Identity:Jwt:SigningKey must be at least 32 bytes")]
    [InlineData("Identity:Jwt:Audience", "", "Identity:Jwt:Audience is required")]
    [InlineData("Identity:Jwt:Issuer", "", "Identity:Jwt:Issuer is required with Identity:Jwt:SigningKey")]
    [InlineData("Identity:Jwt:Authority", "https://login.example.test", "Identity:Jwt:SigningKey and Identity:Jwt:Authority exclude each other")]
    [InlineData("Identity:Jwt:TenantClaim", " ", "Identity:Jwt:TenantClaim must not be empty")]
    [InlineData("Identity:Jwt:ClockSkew", "01:00:00", "Identity:Jwt:ClockSkew must be between")]
    public async Task AddIdentity_BadJwtSetting_StartFailsNamingTheKey(string key, string value, string message)
    {
        using var host = Build(JwtTestKit.Settings((key, value)));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddIdentity_HttpAuthority_StartFailsNamingTheKey()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["Identity:Jwt:Authority"] = "http://login.example.test",
            ["Identity:Jwt:Audience"] = "streamhub",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("Identity:Jwt:Authority must be an absolute https URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddIdentity_NoJwtSettings_StartsWithApiKeysOnly()
    {
        using var host = Build([]);

        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));

        await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("tenant-key-0123456789abcdef", false)]
    [InlineData("a.b.c", false)]
    [InlineData("key.with.dots-but-no-json-header", false)]
    [InlineData("eyJhbGciOiJIUzI1NiJ9..sig", false)]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnQiOiJhIn0.c2ln", true)]
    public void LooksLikeJwt_Token_TellsJwtsFromKeys(string token, bool expected)
        => Assert.Equal(expected, JwtIdentityExtensions.LooksLikeJwt(token));

    [Fact]
    public void LooksLikeJwt_IssuedToken_IsTrue()
        => Assert.True(JwtIdentityExtensions.LooksLikeJwt(JwtTestKit.TenantToken("acme", "high")));

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddIdentity();
        return builder.Build();
    }
}
