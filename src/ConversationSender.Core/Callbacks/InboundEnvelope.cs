using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConversationSender.Callbacks;

/// <summary>
/// What a verified callback becomes on the inbound queue (version 1): the trigger, the ids a consumer routes by, and
/// the callback itself as Sinch sent it (identities included: the consumer needs them; our logs never show them), and
/// for a keyword or an OPT_OUT / OPT_IN, a <c>consent</c> object saying what was done with it.
/// </summary>
public static class InboundEnvelope
{
    public const int Version = 1;

    public static JsonObject For(JsonElement callback, string trigger, string? payloadKey, DateTimeOffset receivedAt, ConsentHandling? consent = null)
    {
        var payload = payloadKey is not null && callback.TryGetProperty(payloadKey, out var found) ? found : default;
        var identity = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("channel_identity", out var ci) && ci.ValueKind == JsonValueKind.Object ? ci : default;
        var envelope = new JsonObject
        {
            ["version"] = Version,
            ["trigger"] = trigger,
            ["received_at"] = receivedAt.ToString("O", CultureInfo.InvariantCulture),
            ["project_id"] = Text(callback, "project_id"),
            ["app_id"] = Text(callback, "app_id"),
            ["message_id"] = Text(payload, "id") ?? Text(payload, "message_id"),
            ["contact_id"] = Text(payload, "contact_id"),
            ["conversation_id"] = Text(payload, "conversation_id"),
            ["channel"] = Text(identity, "channel"),
            ["callback"] = JsonNode.Parse(callback.GetRawText()),
        };
        if (consent is not null)
        {
            // A keyword is not an ordinary message: the consumer sees what was done with it.
            envelope["consent"] = consent.ToJson();
        }

        return envelope;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
