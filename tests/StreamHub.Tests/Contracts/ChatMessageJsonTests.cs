using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Tests.Contracts;

/// <summary>The contract's message as a .NET client puts it on the wire (JSON protocol, camelCase) and reads it back.</summary>
public sealed class ChatMessageJsonTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Serialize_PartsToolCallsAndResult_ContentIsTheTextThePartsOrNull()
    {
        ChatMessage[] messages =
        [
            ChatMessage.FromParts("user", [ContentPart.FromText("What is this?"), ContentPart.FromImageUrl("https://example.com/a.png", "low")]),
            ChatMessage.AssistantToolCalls([new ToolCall("call_1", new ToolCallFunction("get_weather", """{"city":"Paris"}"""))]),
            ChatMessage.ToolResult("call_1", "Rain"),
        ];

        var json = JsonSerializer.Serialize(messages, Web);

        Assert.Equal(
            """[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"low"}}]},"""
            + """{"role":"assistant","content":null,"toolCalls":[{"id":"call_1","function":{"name":"get_weather","arguments":"{\u0022city\u0022:\u0022Paris\u0022}"},"type":"function"}]},"""
            + """{"role":"tool","content":"Rain","toolCallId":"call_1"}]""",
            json);
        var back = JsonSerializer.Deserialize<ChatMessage[]>(json, Web)!;
        Assert.Equal(["text", "image_url"], back[0].Parts!.Select(p => p.Type));
        Assert.Equal("https://example.com/a.png", back[0].Parts![1].ImageUrl);
        Assert.Equal(messages[1].ToolCalls![0], back[1].ToolCalls![0]);
        Assert.Equal(("tool", "Rain", "call_1"), (back[2].Role, back[2].Content, back[2].ToolCallId));
    }

    [Fact]
    public void FromJson_NotAPart_Throws()
    {
        using var document = JsonDocument.Parse("""{"type":"image_url","image_url":"https://example.com/a.png"}""");

        Assert.Throws<ArgumentException>(() => ContentPart.FromJson(document.RootElement));
    }
}
