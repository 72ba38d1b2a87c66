using System.Text.Json;
using System.Text.Json.Nodes;
using ConversationSender.Contract;
using ConversationSender.Sinch;
using ConversationSender.Validation;

namespace ConversationSender.UnitTests.Validation;

/// <summary>
/// Property: any request we accept, written out as Sinch will receive it (minus <c>app_id</c>), is a message
/// we accept again and write out identically. Inputs are generated from a fixed seed, so a failure repeats.
/// </summary>
public sealed class RoundTripTests
{
    private static readonly string[] Channels = [.. ConversationChannels.All];

    [Fact]
    public void Accepted_requests_read_back_equal()
    {
        var random = new Random(20261129);
        for (var i = 0; i < 600; i++)
        {
            var input = Generate(random);
            var first = Accept(input, $"generated #{i}: {input}");
            var written = Write(first);
            NothingLost(input, written, i);

            var second = Accept(written, $"re-read #{i}: {written}");

            var again = Write(second);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(written), JsonNode.Parse(again)), $"#{i}: written\n{written}\nre-written\n{again}");
        }
    }

    // The trip must not only be stable but lossless: every field given reaches the wire, message kinds verbatim.
    private static void NothingLost(string input, string written, int i)
    {
        var given = JsonNode.Parse(input)!.AsObject();
        var sent = JsonNode.Parse(written)!.AsObject();
        foreach (var (name, value) in given.Where(p => p.Key is not ("to" or "text")))
        {
            Assert.True(sent.ContainsKey(name), $"#{i}: {name} was dropped");
        }

        if (given["message"] is { } message)
        {
            Assert.True(JsonNode.DeepEquals(message, sent["message"]), $"#{i}: the message changed on the way");
        }
    }

    private static SendMessageRequest Accept(string json, string what)
    {
        Assert.True(OutboundMessageReader.TryRead(BinaryData.FromString(json), out var message, out var error), $"{what}: {error}");
        var result = OutboundMessageValidator.Validate(message!);
        Assert.True(result.IsValid, $"{what}: {string.Join("; ", result.Errors)}");
        return result.Request!;
    }

    private static string Write(SendMessageRequest request) => JsonSerializer.Serialize(request, SinchJsonContext.Default.SendMessageRequest);

    private static string Generate(Random random)
    {
        var body = new JsonObject();
        var channels = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Channels[random.Next(Channels.Length)]).Distinct().ToList();
        var shortForm = random.Next(4) == 0;
        if (shortForm)
        {
            body["to"] = new JsonObject { ["channel"] = Cased(random, channels[0]), ["identity"] = Identity(random) };
            body["text"] = Text(random, 300);
            channels = [channels[0]];
        }
        else
        {
            var useContact = random.Next(5) == 0;
            body["recipient"] = useContact
                ? new JsonObject { ["contact_id"] = "01CONTACT" + random.Next(1000) }
                : new JsonObject { ["identified_by"] = new JsonObject { ["channel_identities"] = new JsonArray([.. channels.Select(c => (JsonNode)new JsonObject { ["channel"] = Cased(random, c), ["identity"] = Identity(random) })]) } };
            var samples = MessageSamples.Messages;
            var message = random.Next(3) == 0
                ? new JsonObject { ["text_message"] = new JsonObject { ["text"] = Text(random, 900) } }
                : JsonNode.Parse(samples[random.Next(samples.Count)])!.AsObject();
            body["message"] = message;
        }

        if (random.Next(2) == 0)
        {
            body["channel_priority_order"] = new JsonArray([.. channels.OrderBy(_ => random.Next()).Select(c => (JsonNode)JsonValue.Create(Cased(random, c))!)]);
        }

        Maybe(random, body, "ttl", () => random.Next(2) == 0 ? JsonValue.Create(random.NextInt64(3, 315_576_000_000)) : JsonValue.Create($"{random.Next(3, 100000)}s"));
        Maybe(random, body, "queue", () => random.Next(2) == 0 ? "NORMAL_PRIORITY" : "HIGH_PRIORITY");
        Maybe(random, body, "processing_strategy", () => random.Next(2) == 0 ? "DEFAULT" : "DISPATCH_ONLY");
        Maybe(random, body, "conversation_metadata_update_strategy", () => random.Next(2) == 0 ? "REPLACE" : "MERGE_PATCH");
        Maybe(random, body, "message_content_type", () => new[] { "CONTENT_UNKNOWN", "CONTENT_MARKETING", "CONTENT_NOTIFICATION" }[random.Next(3)]);
        Maybe(random, body, "correlation_id", () => Text(random, 128));
        Maybe(random, body, "message_metadata", () => Text(random, 1024));
        Maybe(random, body, "callback_url", () => $"https://example.com/cb/{random.Next()}");
        Maybe(random, body, "channel_properties", () => new JsonObject { ["SMS_SENDER"] = Text(random, 11), ["X_NEW_PROPERTY"] = Text(random, 50) });
        Maybe(random, body, "conversation_metadata", () => new JsonObject { ["n"] = random.Next(), ["s"] = Text(random, 100), ["nested"] = new JsonObject { ["b"] = true } });
        return body.ToJsonString();
    }

    private static void Maybe(Random random, JsonObject body, string name, Func<JsonNode?> value)
    {
        if (random.Next(2) == 0)
        {
            body[name] = value();
        }
    }

    private static string Cased(Random random, string channel) => random.Next(3) == 0 ? channel.ToLowerInvariant() : channel;

    private static string Identity(Random random) => "+467" + random.NextInt64(10_000_000, 99_999_999);

    // Unicode on purpose: emoji and accents must survive the trip unchanged.
    private static string Text(Random random, int maxLength)
    {
        const string alphabet = "abcdefghij KLMNOP 0123 åäö é ü 中文 \"quoted\" \\ / \n\t";
        var length = random.Next(1, Math.Max(2, maxLength / 2));
        var chars = Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray();
        var text = new string(chars).Trim();
        text = text.Length == 0 ? "x" : text;
        return random.Next(4) == 0 && text.Length + 2 <= maxLength ? text + "😀" : text;
    }
}
