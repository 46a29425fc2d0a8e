using System.Text.Json;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Streaming;

/// <summary>
/// Every malformed call the JSON hub protocol can carry, sent as an attacker would: hand-written frames over a
/// bare WebSocket. Each is answered with <c>invalid_request:</c> (or, when it carries no invocation id to answer,
/// dropped), never with an uncoded error or a closed connection, and the same connection then serves a real
/// stream.
/// </summary>
public sealed class MalformedInvocationTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string FollowUp = """{"type":4,"invocationId":"ok","target":"Stream","arguments":[{"prompt":"still here","maxTokens":3}]}""";

    private static readonly string Deep65 = new string('[', 65) + new string(']', 65);
    private static readonly string Deep10000 = new string('[', 10_000) + new string(']', 10_000);

    /// <summary>(what, frame): every frame carries invocation id "bad" and so can be answered.</summary>
    public static TheoryData<string, string> AnswerableCalls => new()
    {
        { "Stream without arguments", Stream("[]") },
        { "Stream with two arguments", Stream("""[{"prompt":"a"},{"prompt":"b"}]""") },
        { "Stream with a number", Stream("[42]") },
        { "Stream with a string", Stream("""["hello"]""") },
        { "Stream with null", Stream("[null]") },
        { "Stream with an array", Stream("[[1,2]]") },
        { "Stream with true", Stream("[true]") },
        { "Stream with an empty object", Stream("[{}]") },
        { "prompt with a lone high surrogate", Stream("""[{"prompt":"\ud800"}]""") },
        { "prompt with a lone low surrogate", Stream("""[{"prompt":"x\udc00y"}]""") },
        { "property name with a lone surrogate", Stream("""[{"\ud83d":"x","prompt":"a"}]""") },
        { "message content with a lone surrogate", Stream("""[{"messages":[{"role":"user","content":"\ud800"}]}]""") },
        { "role with a lone surrogate", Stream("""[{"messages":[{"role":"\udfff","content":"hi"}]}]""") },
        { "nesting of 65 levels in a field", Stream($$"""[{"prompt":"a","extra":{{Deep65}}}]""") },
        { "nesting of 10000 levels in a field", Stream($$"""[{"prompt":"a","extra":{{Deep10000}}}]""") },
        { "nesting of 10000 levels as the argument", Stream($"[{Deep10000}]") },
        { "maxTokens 1e400", Stream("""[{"prompt":"a","maxTokens":1e400}]""") },
        { "maxTokens beyond long", Stream("""[{"prompt":"a","maxTokens":99999999999999999999999}]""") },
        { "maxTokens 1.5", Stream("""[{"prompt":"a","maxTokens":1.5}]""") },
        { "temperature 1e309", Stream("""[{"prompt":"a","temperature":1e309}]""") },
        { "temperature -1e308", Stream("""[{"prompt":"a","temperature":-1e308}]""") },
        { "prompt null and no messages", Stream("""[{"prompt":null}]""") },
        { "prompt a number", Stream("""[{"prompt":5}]""") },
        { "requestId a number", Stream("""[{"prompt":"a","requestId":7}]""") },
        { "group with a slash", Stream("""[{"prompt":"a","group":"a/b"}]""") },
        { "messages a string", Stream("""[{"messages":"hi"}]""") },
        { "messages of numbers", Stream("""[{"messages":[1]}]""") },
        { "arguments an object", """{"type":4,"invocationId":"bad","target":"Stream","arguments":{}}""" },
        { "arguments a string", """{"type":4,"invocationId":"bad","target":"Stream","arguments":"x"}""" },
        { "target a number", """{"type":4,"invocationId":"bad","target":42,"arguments":[]}""" },
        { "target with a lone surrogate", """{"type":4,"invocationId":"bad","target":"\ud800","arguments":[]}""" },
        { "headers with a number", """{"type":4,"invocationId":"bad","target":"Stream","arguments":[{"prompt":"a"}],"headers":{"a":1}}""" },
        { "JSON cut short", """{"type":4,"invocationId":"bad","target":"Stream","arguments":[{"prompt":""" },
        { "a raw control character", "{\"type\":4,\"invocationId\":\"bad\",\"target\":\"Stream\",\"arguments\":[{\"prompt\":\"a\u0001\"}]}" },
        { "client streams Stream does not take", """{"type":4,"invocationId":"bad","target":"Stream","arguments":[{"prompt":"a"}],"streamIds":["s1"]}""" },
        { "Stream invoked without streaming", Call(1, "Stream", """[{"prompt":"a"}]""") },
        { "an unknown method streamed", Stream("[]", target: "Nope") },
        { "an unknown method invoked", Call(1, "Nope", "[]") },
        { "Watch without arguments", Stream("[]", target: "Watch") },
        { "Watch with a number id", Stream("[5,0]", target: "Watch") },
        { "Watch with a string afterSeq", Stream("""["r1","zero"]""", target: "Watch") },
        { "Watch with afterSeq beyond long", Stream("""["r1",1e20]""", target: "Watch") },
        { "Watch with a negative afterSeq", Stream("""["r1",-1]""", target: "Watch") },
        { "Watch with a fractional afterSeq", Stream("""["r1",1.5]""", target: "Watch") },
        { "Watch with a null id", Stream("[null,0]", target: "Watch") },
        { "Watch with a lone surrogate id", Stream("""["\ud800",0]""", target: "Watch") },
        { "Watch with a malformed id", Stream("""["has space",0]""", target: "Watch") },
        { "Watch invoked without streaming", Call(1, "Watch", """["r1",0]""") },
        { "JoinGroup without arguments", Call(1, "JoinGroup", "[]") },
        { "JoinGroup with two arguments", Call(1, "JoinGroup", """["a","b"]""") },
        { "JoinGroup with a number", Call(1, "JoinGroup", "[5]") },
        { "JoinGroup with null", Call(1, "JoinGroup", "[null]") },
        { "JoinGroup with an object", Call(1, "JoinGroup", "[{}]") },
        { "JoinGroup with a lone surrogate", Call(1, "JoinGroup", """["\ud800"]""") },
        { "JoinGroup with a name too long", Call(1, "JoinGroup", $"[\"{new string('g', 65)}\"]") },
        { "JoinGroup with a space", Call(1, "JoinGroup", """["a b"]""") },
        { "JoinGroup streamed", Stream("""["g"]""", target: "JoinGroup") },
        { "LeaveGroup without arguments", Call(1, "LeaveGroup", "[]") },
        { "LeaveGroup with null", Call(1, "LeaveGroup", "[null]") },
        { "LeaveGroup with a number", Call(1, "LeaveGroup", "[1e400]") },
        { "LeaveGroup with a lone surrogate", Call(1, "LeaveGroup", """["\udc00"]""") },
    };

    /// <summary>(what, frame): nothing in the frame can be answered, so it must be dropped and nothing else.</summary>
    public static TheoryData<string, string> UnanswerableMessages => new()
    {
        { "a message type from the future", """{"type":99,"invocationId":"bad"}""" },
        { "an array instead of an object", "[]" },
        { "a number instead of an object", "42" },
        { "an invocation id with a lone surrogate", """{"type":4,"invocationId":"\ud800","target":"Stream","arguments":[]}""" },
        { "no type", """{"invocationId":"bad","target":"Stream","arguments":{}}""" },
        { "a call without an invocation id and bad arguments", """{"type":1,"target":"JoinGroup","arguments":{}}""" },
        { "a completion for no call", """{"type":3,"invocationId":"nobody","result":1}""" },
        { "a stream item for no stream", """{"type":2,"invocationId":"nobody","item":1}""" },
        { "a cancel for no call", """{"type":5,"invocationId":"nobody"}""" },
        { "JSON cut before the id", """{"type":4,""" },
    };

    [Fact]
    public void Tables_HoldAtLeastFortyCalls() => Assert.True(AnswerableCalls.Count + UnanswerableMessages.Count >= 40);

    [Theory]
    [MemberData(nameof(AnswerableCalls))]
    public async Task RawJsonCall_Malformed_AnswersInvalidRequestAndServesTheNextStream(string what, string frame)
    {
        await using var socket = await RawHubSocket.ConnectAsync(shared.Server);

        await socket.SendJsonAsync(frame);
        var (end, items) = await socket.ReadUntilCompletionAsync("bad");

        Assert.True(end is { } message && message.GetProperty("type").GetInt32() == 3, $"{what}: {end}");
        var error = end.Value.TryGetProperty("error", out var e) ? e.GetString() : null;
        Assert.True(error?.StartsWith("invalid_request: ", StringComparison.Ordinal) == true, $"{what}: {end}");
        Assert.Empty(items);
        await AssertServesAStreamAsync(socket, what);
    }

    [Theory]
    [MemberData(nameof(UnanswerableMessages))]
    public async Task RawJsonMessage_NothingToAnswer_IsDroppedAndTheStreamInTheSameFrameIsServed(string what, string frame)
    {
        await using var socket = await RawHubSocket.ConnectAsync(shared.Server);

        // One WebSocket frame holding both records: the good call must not wait behind the bad one.
        await socket.SendTextAsync(frame + RawHubSocket.RecordSeparator + FollowUp + RawHubSocket.RecordSeparator);

        await AssertStreamServedAsync(socket, what);
    }

    [Fact]
    public async Task RawJsonCall_InvocationIdInUse_AnswersInvalidRequestAndServesTheNextStream()
    {
        await using var socket = await RawHubSocket.ConnectAsync(shared.Server);
        await socket.SendJsonAsync("""{"type":4,"invocationId":"same","target":"Stream","arguments":[{"prompt":"[emulator: tps=5 tokens=1000] hold"}]}""");

        await socket.SendJsonAsync("""{"type":4,"invocationId":"same","target":"Stream","arguments":[{"prompt":"second"}]}""");
        var (end, _) = await socket.ReadUntilCompletionAsync("same");

        Assert.StartsWith("invalid_request: ", end!.Value.GetProperty("error").GetString(), StringComparison.Ordinal);
        await socket.SendJsonAsync("""{"type":5,"invocationId":"same"}""");
        await AssertServesAStreamAsync(socket, "after a reused invocation id");
    }

    private static string Stream(string arguments, string target = "Stream") => Call(4, target, arguments);

    private static string Call(int type, string target, string arguments)
        => $$"""{"type":{{type}},"invocationId":"bad","target":"{{target}}","arguments":{{arguments}}}""";

    private static async Task AssertServesAStreamAsync(RawHubSocket socket, string what)
    {
        await socket.SendJsonAsync(FollowUp);
        await AssertStreamServedAsync(socket, what);
    }

    private static async Task AssertStreamServedAsync(RawHubSocket socket, string what)
    {
        var (end, items) = await socket.ReadUntilCompletionAsync("ok");

        Assert.True(end is { } message && message.GetProperty("type").GetInt32() == 3 && !message.TryGetProperty("error", out _), $"{what}: then {end}");
        Assert.Equal(EmulatorText.Text("still here", 3), string.Concat(items.Select(static i => i.GetProperty("item").GetString())));
    }
}
