using System.Text.Json;
using Microsoft.Extensions.AI;

namespace StreamHub.Client;

/// <summary>
/// JSON as plain dictionaries, lists, strings, numbers and booleans: the one shape both hub protocols serialize
/// (MessagePack cannot write a <see cref="JsonElement"/>), used for everything the request passes through
/// (tool schemas, response formats, <c>extra</c>).
/// </summary>
internal static class JsonTree
{
    /// <summary>Microsoft.Extensions.AI's serializer settings, written compactly (arguments and results go upstream as text).</summary>
    public static readonly JsonSerializerOptions Options = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    public static object? From(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => Object(element),
        JsonValueKind.Array => Array(element),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var whole) ? whole : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>Any value a caller put in <c>AdditionalProperties</c>: primitives as they are, the rest through JSON.</summary>
    public static object? FromValue(object? value) => value switch
    {
        null => null,
        string or bool or int or long or double or decimal => value,
        float f => (double)(decimal)f,
        JsonElement element => From(element),
        _ => From(JsonSerializer.SerializeToElement(value, value.GetType(), Options)),
    };

    private static Dictionary<string, object?> Object(JsonElement element)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            result[property.Name] = From(property.Value);
        }

        return result;
    }

    private static List<object?> Array(JsonElement element)
    {
        var result = new List<object?>(element.GetArrayLength());
        foreach (var item in element.EnumerateArray())
        {
            result.Add(From(item));
        }

        return result;
    }
}
