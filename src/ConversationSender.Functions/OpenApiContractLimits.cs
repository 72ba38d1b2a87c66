using System.Globalization;
using System.Text.Json.Nodes;
using ConversationSender.Contract;

namespace ConversationSender.Functions;

/// <summary>
/// Fills the committed <c>openapi.json</c> (shapes and prose) with the message contract's limits and value lists, so
/// that each is stated once, in <see cref="MessageContract"/>. A schema path that no longer exists fails the load
/// (and the tests), instead of silently leaving a limit out.
/// </summary>
internal static class OpenApiContractLimits
{
    public static void Apply(JsonObject document)
    {
        var schemas = Node(document, "components", "schemas");
        var message = Node(schemas, "OutboundMessage", "properties");
        Node(schemas, "Channel")["enum"] = Strings(MessageContract.Channels);
        Node(message, "channel_priority_order")["maxItems"] = MessageContract.MaxChannels;
        Node(message, "channel_properties", "additionalProperties")["maxLength"] = MessageContract.ChannelPropertyMaxLength;
        Node(message, "message_metadata")["maxLength"] = MessageContract.MessageMetadataMaxLength;
        Node(message, "correlation_id")["maxLength"] = MessageContract.CorrelationIdMaxLength;
        Node(message, "queue")["enum"] = Strings(MessageContract.Queues);
        Node(message, "processing_strategy")["enum"] = Strings(MessageContract.ProcessingStrategies);
        Node(message, "conversation_metadata_update_strategy")["enum"] = Strings(MessageContract.MetadataUpdateStrategies);
        Node(message, "message_content_type")["enum"] = Strings(MessageContract.ContentTypes);
        Node(message, "idempotency_key")["maxLength"] = MessageContract.IdempotencyKeyMaxLength;
        var batchKey = Node(document, "paths", "/messages/batch", "post")["parameters"]?[0] as JsonObject ?? throw Missing("batch Idempotency-Key parameter");
        Node(batchKey, "schema")["maxLength"] = MessageContract.IdempotencyKeyMaxLength;
        Node(document, "components", "parameters", "IdempotencyKey", "schema")["maxLength"] = MessageContract.IdempotencyKeyMaxLength;
        Node(message, "conversation_metadata")["description"] = $"At most {MessageContract.ConversationMetadataMaxLength} characters of JSON.";
        Describe(Node(message, "send_at"), $"at most {MessageContract.SendAtMaxAhead.TotalDays:0} days ahead");

        var ttl = Node(schemas, "Ttl");
        Describe(ttl, $"{MessageContract.TtlMinSeconds} to {MessageContract.TtlMaxSeconds}");
        var ttlNumber = ttl["oneOf"]!.AsArray()[0]!.AsObject();
        ttlNumber["minimum"] = MessageContract.TtlMinSeconds;
        ttlNumber["maximum"] = MessageContract.TtlMaxSeconds;

        Node(schemas, "Recipient", "properties", "identified_by", "properties", "channel_identities")["maxItems"] = MessageContract.MaxChannels;
        Node(schemas, "TextMessage", "properties", "text")["description"] = "At most " + string.Join(", ",
            MessageContract.TextLimitByChannel.Select(limit => string.Create(CultureInfo.InvariantCulture, $"{limit.Value} characters on {limit.Key}"))) + ".";
        Node(schemas, "ChoiceMessage", "properties", "choices")["maxItems"] = MessageContract.ChoicesMax;
        Node(schemas, "CardMessage", "properties", "choices")["maxItems"] = MessageContract.ChoicesMax;
        Node(schemas, "CardMessage", "properties", "height")["enum"] = Strings(MessageContract.CardHeights);
        Node(schemas, "CarouselMessage", "properties", "cards")["maxItems"] = MessageContract.CarouselCardsMax;
        Node(schemas, "CarouselMessage", "properties", "choices")["maxItems"] = MessageContract.CarouselChoicesMax;
        var coordinates = Node(schemas, "LocationMessage", "properties", "coordinates", "properties");
        Node(coordinates, "latitude")["minimum"] = -MessageContract.LatitudeMax;
        Node(coordinates, "latitude")["maximum"] = MessageContract.LatitudeMax;
        Node(coordinates, "longitude")["minimum"] = -MessageContract.LongitudeMax;
        Node(coordinates, "longitude")["maximum"] = MessageContract.LongitudeMax;
        Node(schemas, "Agent", "properties", "type")["enum"] = Strings(MessageContract.AgentTypes);
    }

    // The committed prose holds a {limits} placeholder where the figures go.
    private static void Describe(JsonObject schema, string limits)
    {
        var text = (string?)schema["description"] ?? throw Missing("description with {limits}");
        schema["description"] = text.Contains("{limits}", StringComparison.Ordinal) ? text.Replace("{limits}", limits, StringComparison.Ordinal) : throw Missing("{limits} in " + text);
    }

    private static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(v => (JsonNode)JsonValue.Create(v))];

    private static JsonObject Node(JsonObject parent, params string[] path)
    {
        var node = parent;
        foreach (var name in path)
        {
            node = node[name] as JsonObject ?? throw Missing(string.Join("/", path));
        }

        return node;
    }

    private static InvalidOperationException Missing(string what) => new($"openapi.json has no {what}: the contract's limits cannot be filled in.");
}
