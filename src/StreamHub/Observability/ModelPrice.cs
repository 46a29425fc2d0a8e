using System.ComponentModel.DataAnnotations;

namespace StreamHub.Observability;

/// <summary>The price of one model (<c>Pricing:Models:&lt;model&gt;</c>), per million tokens.</summary>
internal sealed class ModelPrice
{
    private const string NotNegative = "{0} must not be negative";

    [Range(typeof(decimal), "0", "79228162514264337593543950335", ErrorMessage = NotNegative)]
    public decimal InputPerMillion { get; set; }

    [Range(typeof(decimal), "0", "79228162514264337593543950335", ErrorMessage = NotNegative)]
    public decimal OutputPerMillion { get; set; }

    /// <summary>Prompt tokens the provider served from its cache; absent, they cost <see cref="InputPerMillion"/>.</summary>
    [Range(typeof(decimal), "0", "79228162514264337593543950335", ErrorMessage = NotNegative)]
    public decimal? CachedInputPerMillion { get; set; }
}
