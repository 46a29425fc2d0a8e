using System.Text;
using System.Text.Json;
using StreamHub.Admission;
using StreamHub.Admission.Cluster;
using StreamHub.Contracts;
using StreamHub.Streaming;
using StreamHub.Upstream;

namespace StreamHub.Tests.Admission.Cluster;

/// <summary>A resumable request as the cluster keeps it in Redis: the survivor must send the upstream what the caller sent.</summary>
public sealed class ResumableRecordJsonTests
{
    private static readonly StreamingOptions Limits = new();

    [Fact]
    public void RoundTrip_OpenAiRequestWithEveryField_SendsTheSameUpstreamBody()
    {
        const string sent = """
            {"model":"client-name","request_id":"r-1","group":"team","priority":"low","resumable":true,
             "messages":[
               {"role":"developer","content":"Answer in French","name":"ops"},
               {"role":"user","content":[{"type":"text","text":"What is this? été"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO+w0K/Gg==","detail":"low"}},{"type":"future_part","x":[1,2]}]},
               {"role":"assistant","reasoning_content":"thinking","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"},"extra_content":{"google":{"thought_signature":"sig"}}}]},
               {"role":"tool","tool_call_id":"call_1","content":"Rain, 18 degrees"},
               {"role":"assistant","content":"Il pleut","prefix":true}],
             "max_completion_tokens":64,"temperature":0.25,
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}}],
             "tool_choice":"auto","parallel_tool_calls":false,"response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"}}},
             "stop":"END","seed":7,"top_p":0.9,"reasoning_effort":"low","user":"u-42","metadata":{"k":"v"},"service_tier":"flex"}
            """;
        var record = new ResumableRecord(ParseOpenAi(sent), "acme", Priority.High, Anonymous: false, "acme", "acme", new TenantLimitSettings(60, 1000, 4), ["gpt-4o"]);

        var kept = RoundTrip(record);

        Assert.Equal(Body(record.Request), Body(kept.Request));
        Assert.Equal(
            (record.Request.RequestId, record.Request.Model, record.Request.Priority, record.Request.MaxTokens, record.Request.Group, record.Request.Resumable),
            (kept.Request.RequestId, kept.Request.Model, kept.Request.Priority, kept.Request.MaxTokens, kept.Request.Group, kept.Request.Resumable));
        Assert.Equal(record.Request.InputChars, kept.Request.InputChars);
        Assert.Equal(("acme", Priority.High, false, "acme", "acme"), (kept.Tenant, kept.Tier, kept.Anonymous, kept.Scope, kept.LimitKey));
        Assert.Equal(record.Limits, kept.Limits);
        Assert.Equal(["gpt-4o"], kept.Models!);
    }

    [Fact]
    public void RoundTrip_HubRequestWithToolCallsAndResult_SendsTheSameUpstreamBody()
    {
        using var document = JsonDocument.Parse("""
            {"requestId":"r-2","messages":[{"role":"user","content":"Weather in Paris?"},
               {"role":"assistant","toolCalls":[{"Id":"call_1","Function":{"Name":"get_weather","Arguments":"{}"}}]},
               {"role":"tool","toolCallId":"call_1","content":"Rain"}],
             "maxTokens":12,"tools":[{"type":"function","function":{"name":"get_weather"}}],"toolChoice":"auto",
             "stop":["END"],"extra":{"user":"u-1"},"resumable":true}
            """);
        var record = new ResumableRecord(StreamRequestParser.Parse(document.RootElement, Limits), "anonymous", Priority.Low, Anonymous: true, "anonymous:conn-1", "anonymous@10.0.0.1", TenantLimitSettings.Unlimited, null);

        var kept = RoundTrip(record);

        Assert.Equal(Body(record.Request), Body(kept.Request));
        Assert.Equal(("anonymous:conn-1", "anonymous@10.0.0.1"), (kept.Scope, kept.LimitKey));
    }

    private static ResumableRecord RoundTrip(ResumableRecord record)
        => JsonSerializer.Deserialize(JsonSerializer.Serialize(record, ClusterJsonContext.Default.ResumableRecord), ClusterJsonContext.Default.ResumableRecord)!;

    private static string Body(CompletionRequest request)
        => Encoding.UTF8.GetString(UpstreamCall.For(request, "m").ToRequestBody("region-m"));

    private static CompletionRequest ParseOpenAi(string json)
    {
        using var document = JsonDocument.Parse(json);
        return StreamRequestParser.Parse(document.RootElement, Limits, RequestShape.OpenAi);
    }
}
