using System.ComponentModel.DataAnnotations;

namespace StreamHub.Fanout;

/// <summary>Settings under <c>Redis</c>: absent connection string means one instance, in memory.</summary>
internal sealed class RedisSettings
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string (<c>host:port,password=…</c>); never logged or shown.</summary>
    public string? ConnectionString { get; set; }

    [RegularExpression("^[A-Za-z0-9_.:-]{1,64}$", ErrorMessage = "{0} must match {1}.")]
    public string ChannelPrefix { get; set; } = "streamhub";

    public bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString);
}
