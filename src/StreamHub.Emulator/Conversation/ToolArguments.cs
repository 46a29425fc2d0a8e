using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StreamHub.Emulator.Conversation;

/// <summary>
/// Arguments a model would plausibly send for a tool: a JSON object that satisfies the tool's schema as far as
/// practical. Required properties are filled (all properties when none is required); strings take the first
/// <c>enum</c> value or the prompt, numbers their <c>minimum</c> or 1, booleans true, arrays one item.
/// </summary>
internal static class ToolArguments
{
    private const int MaxDepth = 8;
    private const int MaxStringLength = 60;
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string For(JsonElement? schema, string prompt)
    {
        var text = prompt.Length == 0 ? "emulator" : prompt.Length > MaxStringLength ? prompt[..MaxStringLength] : prompt;
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            if (schema is { ValueKind: JsonValueKind.Object } s && HasProperties(s))
            {
                WriteValue(w, s, text, 0);
            }
            else
            {
                w.WriteStartObject();
                w.WriteEndObject();
            }
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static bool HasProperties(JsonElement schema) =>
        schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object;

    private static void WriteValue(Utf8JsonWriter w, JsonElement schema, string text, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > MaxDepth)
        {
            w.WriteNullValue();
            return;
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            values[0].WriteTo(w);
            return;
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            constant.WriteTo(w);
            return;
        }

        foreach (var alternatives in (string[])["anyOf", "oneOf", "allOf"])
        {
            if (schema.TryGetProperty(alternatives, out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0)
            {
                WriteValue(w, list[0], text, depth + 1);
                return;
            }
        }

        switch (TypeOf(schema))
        {
            case "object": WriteObject(w, schema, text, depth); break;
            case "array": WriteArray(w, schema, text, depth); break;
            case "integer": w.WriteNumberValue(Minimum(schema) is { } min ? Math.Ceiling(min) : 1); break;
            case "number": w.WriteNumberValue(Minimum(schema) ?? 1); break;
            case "boolean": w.WriteBooleanValue(true); break;
            case "null": w.WriteNullValue(); break;
            default: w.WriteStringValue(text); break;
        }
    }

    private static void WriteObject(Utf8JsonWriter w, JsonElement schema, string text, int depth)
    {
        w.WriteStartObject();
        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            var required = Required(schema);
            foreach (var property in properties.EnumerateObject())
            {
                if (required.Count == 0 || required.Contains(property.Name))
                {
                    w.WritePropertyName(property.Name);
                    WriteValue(w, property.Value, text, depth + 1);
                }
            }
        }

        w.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter w, JsonElement schema, string text, int depth)
    {
        w.WriteStartArray();
        if (schema.TryGetProperty("items", out var items))
        {
            WriteValue(w, items, text, depth + 1);
        }

        w.WriteEndArray();
    }

    /// <summary>The schema's type; a list such as <c>["string","null"]</c> gives its first non-null entry; none given but properties means object.</summary>
    private static string? TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return HasProperties(schema) ? "object" : null;
        }

        if (type.ValueKind == JsonValueKind.String)
        {
            return type.GetString();
        }

        if (type.ValueKind == JsonValueKind.Array)
        {
            var names = type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()).ToList();
            return names.FirstOrDefault(n => n != "null") ?? names.FirstOrDefault();
        }

        return null;
    }

    private static HashSet<string> Required(JsonElement schema)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String)
                {
                    set.Add(name.GetString()!);
                }
            }
        }

        return set;
    }

    private static double? Minimum(JsonElement schema) =>
        schema.TryGetProperty("minimum", out var min) && min.TryGetDouble(out var value) ? value : null;
}
