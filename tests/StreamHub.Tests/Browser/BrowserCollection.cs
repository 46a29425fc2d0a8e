namespace StreamHub.Tests.Browser;

/// <summary>The browser tests share one Chromium and run one after another (two cores, many servers).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<ChromiumBrowser>
{
    public const string Name = "Browser";
}
