using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamHub.Contracts;

/// <summary>A <see cref="ContentPart"/> on the wire is its JSON, unchanged.</summary>
internal sealed class ContentPartJsonConverter : JsonConverter<ContentPart>
{
    public override ContentPart Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return ContentPart.FromJson(JsonElement.ParseValue(ref reader));
        }
        catch (ArgumentException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, ContentPart value, JsonSerializerOptions options) => value.Json.WriteTo(writer);
}
