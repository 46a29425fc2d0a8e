using System.ComponentModel.DataAnnotations;

namespace StreamHub.Fanout;

/// <summary>Settings under <c>Redis</c>: absent connection string means one instance, in memory.</summary>
internal sealed class RedisSettings
{
    public const string Section = "Redis";

    public string? ConnectionString { get; set; }

    [RegularExpression("^[A-Za-z0-9_.:-]{1,64}$", ErrorMessage = "Redis:ChannelPrefix must match {1}.")]
    public string ChannelPrefix { get; set; } = "streamhub";
}
