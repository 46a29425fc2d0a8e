using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Observability;

/// <summary>Structured logs carry the request id and tenant of the request they speak for.</summary>
public sealed class RequestLogScopeTests
{
    [Fact]
    public async Task Stream_UpstreamFails_WarningCarriesRequestIdAndTenant()
    {
        await using var server = await StreamHubServer.StartAsync(new Dictionary<string, string?>
        {
            ["Upstream:Retry:MaxAttempts"] = "1",
            ["Tenants:0:Name"] = "acme",
            ["Tenants:0:ApiKey"] = "acme-key-0123456789abcdef",
        });
        var capture = new ScopeCapture();
        server.Services.GetRequiredService<ILoggerFactory>().AddProvider(capture);
        await using var connection = await server.ConnectAsync("acme-key-0123456789abcdef");

        await Assert.ThrowsAsync<HubException>(() => Streams.ReadAllAsync(
            connection, new StreamRequest { RequestId = "scoped-1", Prompt = "[emulator: status=500] fail" }));

        var failure = Assert.Single(capture.Entries, e => e.Message.Contains("Upstream attempt on", StringComparison.Ordinal));
        Assert.Contains("RequestId:scoped-1 Tenant:acme", failure.Scopes, StringComparison.Ordinal);
    }

    /// <summary>Records each entry with the scopes in force, as scope-aware providers (console, OTLP) see them.</summary>
    private sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<(string Message, string Scopes)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapture owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<string>();
                owner._scopes.ForEachScope((scope, list) => list.Add(scope?.ToString() ?? ""), scopes);
                owner.Entries.Enqueue((formatter(state, exception), string.Join(" | ", scopes)));
            }
        }
    }
}
