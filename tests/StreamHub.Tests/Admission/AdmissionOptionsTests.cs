using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StreamHub.Admission;
using StreamHub.Tests.Infrastructure;

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
    [InlineData("Admission:LeaseTimeout", "00:00:00.500", "Admission:LeaseTimeout must be between 00:00:01 and 00:10:00")]
    [InlineData("Admission:ExpectedInstances", "0", "Admission:ExpectedInstances must be between 1 and 1000")]
    [InlineData("Admission:Scope", "Cluster", "Admission:Scope=Cluster needs Redis:ConnectionString")]
    [InlineData("Admission:Scope", "7", "Admission:Scope must be Instance or Cluster")]
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
    public async Task BuildApp_ClusterWithMoreExpectedInstancesThanStreams_StartFailsNamingBothKeys()
    {
        await using var redis = await RedisServer.StartAsync();
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            "--Admission:Scope=Cluster",
            "--Admission:MaxConcurrentStreams=2",
            "--Admission:ExpectedInstances=3",
            $"--Redis:ConnectionString={redis.ConnectionString}",
        ];

        // Building the endpoints already reads the settings, so the app fails there or at start.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            var app = Program.BuildApp(args);
            await app.StartAsync().WaitAsync(AdmissionTestKit.Wait);
        });

        Assert.Contains("Admission:ExpectedInstances must not exceed Admission:MaxConcurrentStreams", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutLimits_ClusterPoolBelowExpectedInstances_FailsNamingTheKeyAndKeepsThePool()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var hub = await StreamHubServer.StartAsync(Cluster.ClusterKit.Settings(redis, pool: 2, expected: 2));
        using var http = hub.CreateHttpClient(Cluster.ClusterKit.AdminKey);

        using var response = await http.PutAsJsonAsync("/admin/limits", new { maxConcurrentStreams = 1 }).WaitAsync(AdmissionTestKit.Wait);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>().WaitAsync(AdmissionTestKit.Wait);
        var messages = Assert.Contains("expectedInstances", problem!.Errors);
        Assert.StartsWith("Admission:ExpectedInstances must not exceed Admission:MaxConcurrentStreams", Assert.Single(messages), StringComparison.Ordinal);
        Assert.Equal(2, hub.Services.GetRequiredService<IStreamAdmission>().Limits.MaxConcurrentStreams);
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
