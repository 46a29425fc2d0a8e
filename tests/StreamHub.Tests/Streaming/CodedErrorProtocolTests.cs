using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Streaming;

namespace StreamHub.Tests.Streaming;

/// <summary>The coded-error wrapper covers every protocol whatever the order of registration.</summary>
public sealed class CodedErrorProtocolTests
{
    private const string SignalRWording = "An error occurred on the server while streaming results. HubException: rate_limited: slow down";

    [Theory]
    [InlineData("UseCodedErrors first")]
    [InlineData("UseCodedErrors between AddSignalR and AddMessagePackProtocol")]
    [InlineData("UseCodedErrors last")]
    [InlineData("AddSignalR again after UseCodedErrors")]
    public void UseCodedErrors_AnyRegistrationOrder_EveryProtocolWritesTheCode(string order)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        switch (order)
        {
            case "UseCodedErrors first":
                services.UseCodedErrors();
                services.AddSignalR().AddMessagePackProtocol();
                break;
            case "UseCodedErrors between AddSignalR and AddMessagePackProtocol":
                var signalR = services.AddSignalR();
                services.UseCodedErrors();
                signalR.AddMessagePackProtocol();
                break;
            case "UseCodedErrors last":
                services.AddSignalR().AddMessagePackProtocol();
                services.UseCodedErrors();
                break;
            default:
                services.AddSignalR().AddMessagePackProtocol();
                services.UseCodedErrors();
                services.AddSignalR();
                break;
        }

        using var provider = services.BuildServiceProvider();
        var resolver = provider.GetRequiredService<IHubProtocolResolver>();

        Assert.Equal(["json", "messagepack"], resolver.AllProtocols.Select(p => p.Name).Order());
        foreach (var name in new[] { "json", "messagepack" })
        {
            var protocol = resolver.GetProtocol(name, supportedProtocols: null);
            Assert.NotNull(protocol);
            var written = Encoding.UTF8.GetString(protocol.GetMessageBytes(CompletionMessage.WithError("1", SignalRWording)).Span);
            Assert.Contains("rate_limited: slow down", written, StringComparison.Ordinal);
            Assert.DoesNotContain("HubException", written, StringComparison.Ordinal);
        }
    }
}
