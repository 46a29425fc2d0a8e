using System.Buffers;
using MessagePack;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Streaming;

/// <summary>
/// The MessagePack equivalents of <see cref="MalformedInvocationTests"/>: hand-built binary frames over a bare
/// WebSocket. Each call carries invocation id "bad" and is answered with <c>invalid_request:</c>; the same
/// connection then serves a real stream.
/// </summary>
public sealed class MalformedMessagePackTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private delegate void Write(ref MessagePackWriter writer);

    public static TheoryData<string> Calls => [.. Frames.Keys];

    private static Dictionary<string, byte[]> Frames { get; } = new()
    {
        ["Stream without arguments"] = Call(4, "Stream", 0, static (ref MessagePackWriter _) => { }),
        ["Stream with an integer"] = Call(4, "Stream", 1, static (ref MessagePackWriter w) => w.Write(42)),
        ["Stream with nil"] = Call(4, "Stream", 1, static (ref MessagePackWriter w) => w.WriteNil()),
        ["Stream with binary"] = Call(4, "Stream", 1, static (ref MessagePackWriter w) => w.Write([1, 2, 3])),
        ["Stream with a timestamp"] = Call(4, "Stream", 1, static (ref MessagePackWriter w) => w.Write(DateTime.UnixEpoch)),
        ["Stream with NaN"] = Call(4, "Stream", 1, static (ref MessagePackWriter w) => w.Write(double.NaN)),
        ["Stream with integer keys"] = Call(4, "Stream", 1, static (ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write(1);
            w.Write("a");
        }),
        ["nesting of 100 arrays"] = Call(4, "Stream", 1, static (ref MessagePackWriter w) => Nest(ref w, 100)),
        ["nesting of 1000 arrays"] = Call(4, "Stream", 1, static (ref MessagePackWriter w) => Nest(ref w, 1000)),
        ["maxTokens beyond long"] = Call(4, "Stream", 1, static (ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write("prompt");
            w.Write("a");
            w.Write("maxTokens");
            w.Write(ulong.MaxValue);
        }),
        ["prompt a map"] = Call(4, "Stream", 1, static (ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("prompt");
            w.WriteMapHeader(0);
        }),
        ["Watch with afterSeq beyond long"] = Call(4, "Watch", 2, static (ref MessagePackWriter w) =>
        {
            w.Write("r1");
            w.Write(ulong.MaxValue);
        }),
        ["Watch with an integer id"] = Call(4, "Watch", 2, static (ref MessagePackWriter w) =>
        {
            w.Write(5);
            w.Write(0);
        }),
        ["JoinGroup with binary"] = Call(1, "JoinGroup", 1, static (ref MessagePackWriter w) => w.Write([1])),
        ["JoinGroup with nil"] = Call(1, "JoinGroup", 1, static (ref MessagePackWriter w) => w.WriteNil()),
        ["an unknown method"] = Call(1, "Nope", 0, static (ref MessagePackWriter _) => { }),
        ["Stream invoked without streaming"] = Call(1, "Stream", 1, static (ref MessagePackWriter w) => w.Write("x")),
        ["target an integer"] = Message(static (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            w.Write(4);
            w.WriteMapHeader(0);
            w.Write("bad");
            w.Write(42);
            w.WriteArrayHeader(0);
        }),
        ["headers an integer"] = Message(static (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            w.Write(4);
            w.Write(7);
            w.Write("bad");
            w.Write("Stream");
            w.WriteArrayHeader(0);
        }),
        ["arguments a map"] = Message(static (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            w.Write(4);
            w.WriteMapHeader(0);
            w.Write("bad");
            w.Write("Stream");
            w.WriteMapHeader(0);
        }),
        ["a message cut short"] = Message(static (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(6);
            w.Write(4);
            w.WriteMapHeader(0);
            w.Write("bad");
            w.Write("Stream");
        }),
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task RawMessagePackCall_Malformed_AnswersInvalidRequestAndServesTheNextStream(string what)
    {
        await using var socket = await RawHubSocket.ConnectAsync(shared.Server, "messagepack");

        await socket.SendBinaryAsync(Frames[what]);
        var (error, _) = await ReadUntilCompletionAsync(socket, "bad");

        Assert.True(error?.StartsWith("invalid_request: ", StringComparison.Ordinal) == true, $"{what}: {error ?? "no error"}");
        await socket.SendBinaryAsync(Call(4, "Stream", 1, static (ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write("prompt");
            w.Write("still here");
            w.Write("maxTokens");
            w.Write(3);
        }, invocationId: "ok"));
        var (followUpError, items) = await ReadUntilCompletionAsync(socket, "ok");
        Assert.Null(followUpError);
        Assert.Equal(EmulatorText.Text("still here", 3), string.Concat(items));
    }

    /// <summary>[type, headers, invocationId, target, [arguments], streamIds]</summary>
    private static byte[] Call(int type, string target, int count, Write arguments, string invocationId = "bad") => Message((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(6);
        w.Write(type);
        w.WriteMapHeader(0);
        w.Write(invocationId);
        w.Write(target);
        w.WriteArrayHeader(count);
        arguments(ref w);
        w.WriteArrayHeader(0);
    });

    private static byte[] Message(Write write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return RawHubSocket.LengthPrefixed(buffer.WrittenSpan);
    }

    private static void Nest(ref MessagePackWriter writer, int depth)
    {
        for (var i = 0; i < depth; i++)
        {
            writer.WriteArrayHeader(1);
        }

        writer.Write(1);
    }

    /// <summary>Reads until the completion of <paramref name="invocationId"/>: its error (null on success) and the string items.</summary>
    private static async Task<(string? Error, List<string> Items)> ReadUntilCompletionAsync(RawHubSocket socket, string invocationId)
    {
        var items = new List<string>();
        var deadline = DateTime.UtcNow + StreamHubServer.Timeout;
        while (DateTime.UtcNow < deadline && await socket.ReceiveBinaryMessageAsync() is { } bytes)
        {
            var reader = new MessagePackReader(bytes);
            reader.ReadArrayHeader();
            var type = reader.ReadInt32();
            if (type == 7)
            {
                return ("closed: " + (reader.TryReadNil() ? "" : reader.ReadString()), items);
            }

            if (type is not (2 or 3))
            {
                continue;
            }

            reader.Skip(); // headers
            if (reader.ReadString() != invocationId)
            {
                continue;
            }

            if (type == 2)
            {
                items.Add(reader.ReadString()!);
                continue;
            }

            return (reader.ReadInt32() == 1 ? reader.ReadString() : null, items);
        }

        throw new TimeoutException($"no completion of invocation {invocationId}");
    }
}
