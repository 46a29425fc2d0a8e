using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StreamHub.Admission;

namespace StreamHub.Tests.Admission;

public sealed class AdmissionOptionsTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var result = new AdmissionOptionsValidator().Validate(null, new AdmissionOptions());

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData("Admission:MaxConcurrentStreams", "0", "Admission:MaxConcurrentStreams must be")]
    [InlineData("Admission:BackpressureThreshold", "0", "Admission:BackpressureThreshold must be in (0, 1]")]
    [InlineData("Admission:BackpressureThreshold", "1.5", "Admission:BackpressureThreshold must be in (0, 1]")]
    [InlineData("Admission:QueueLimits:Low", "-1", "Admission:QueueLimits:Low must be between 0 and")]
    [InlineData("Admission:MaxQueueWait", "00:00:00", "Admission:MaxQueueWait must be greater than 0")]
    [InlineData("Admission:AgingInterval", "00:01:00", "Admission:AgingInterval must be shorter than Admission:MaxQueueWait")]
    public async Task AddAdmission_BadSetting_StartFailsNamingTheKey(string key, string value, string message)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.AddAdmission();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(AdmissionTestKit.Wait));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAdmission_Configured_BindsOptionsAndUsesTimeProviderFromServices()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Admission:MaxConcurrentStreams"] = "3",
            ["Admission:QueueLimits:High"] = "7",
            ["Admission:BackpressureThreshold"] = "0.5",
        });
        var time = new FakeTimeProvider();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.AddAdmission();
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<AdmissionOptions>>().Value;
        var snapshot = host.Services.GetRequiredService<PriorityAdmission>().Snapshot();

        Assert.Equal(7, options.QueueLimits.High);
        Assert.Equal(1000, options.QueueLimits.Low);
        Assert.Equal(3, snapshot.PoolSize);
        Assert.Equal(1, snapshot.BackpressureLimit);
        Assert.Same(host.Services.GetRequiredService<TenantLimits>(), host.Services.GetRequiredService<TenantLimits>());
        Assert.Same(time, host.Services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void UpdateLimits_InvalidOptions_ThrowsAndKeepsOldLimits()
    {
        using var admission = new PriorityAdmission(new AdmissionOptions { MaxConcurrentStreams = 2 }, new FakeTimeProvider());

        Assert.Throws<OptionsValidationException>(() => admission.UpdateLimits(new AdmissionOptions { MaxConcurrentStreams = 0 }));

        Assert.Equal(2, admission.Snapshot().PoolSize);
    }
}
