using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StreamHub.Emulator;

namespace StreamHub.Tests.Emulator;

/// <summary><c>Emulator:AllowFaultDirectives</c>: on by default; off, directives are text and scripts are refused.</summary>
public sealed class FaultSwitchTests
{
    private static readonly string[] OneFault = ["status=500"];

    [Fact]
    public void EmulatorOptions_Default_AllowsFaultDirectives() => Assert.True(new EmulatorOptions().AllowFaultDirectives);

    [Fact]
    public async Task ChatCompletions_DirectivesOff_DirectiveIsJustText()
    {
        await using var emulator = await EmulatorClient.StartAsync(o => o.AllowFaultDirectives = false);
        const string prompt = "[emulator: status=500 tools=2] hello";

        using var response = await emulator.PostAsync("v1/chat/completions", Body(prompt));
        var message = (await EmulatorClient.ReadJsonAsync(response)).GetProperty("choices")[0].GetProperty("message");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(EmulatorText.Text(prompt, 5), message.GetProperty("content").GetString());
        Assert.Null(emulator.Server.State.GetRequests()[^1].Fault);
    }

    [Fact]
    public async Task Script_DirectivesOff_403AndNothingQueued()
    {
        await using var emulator = await EmulatorClient.StartAsync(o => o.AllowFaultDirectives = false);

        using var response = await emulator.Http.PostAsJsonAsync("emulator/script", new { faults = OneFault }).WaitAsync(EmulatorClient.Timeout);
        using var chat = await emulator.PostAsync("v1/chat/completions", Body("after"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Throws<InvalidOperationException>(() => emulator.Server.State.SetScript(OneFault));
        Assert.Equal(0, emulator.Server.State.PendingFaults);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }

    [Fact]
    public async Task ChatCompletions_DirectivesOn_DirectiveApplies()
    {
        await using var emulator = await EmulatorClient.StartAsync();

        using var response = await emulator.PostAsync("v1/chat/completions", Body("[emulator: status=500] hello"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("status=500", emulator.Server.State.GetRequests()[^1].Fault);
    }

    private static string Body(string prompt) =>
        JsonSerializer.Serialize(new { model = "m", max_tokens = 5, messages = new[] { new { role = "user", content = prompt } } });
}
