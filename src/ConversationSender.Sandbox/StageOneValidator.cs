using System.Text.Json;
using System.Text.RegularExpressions;

namespace ConversationSender.Sandbox;

/// <summary>
/// The checks Sinch runs before accepting a send (API reference §6, "stage 1"), answered as Sinch does:
/// 400 INVALID_ARGUMENT with <c>google.rpc.BadRequest</c> field violations. Deliberately independent of the
/// product's own validator, so the product is tested against a second opinion.
/// </summary>
public static partial class StageOneValidator
{
    public static readonly string[] Channels =
    [
        "WHATSAPP", "RCS", "SMS", "MESSENGER", "VIBER", "VIBERBM", "MMS", "INSTAGRAM",
        "TELEGRAM", "KAKAOTALK", "KAKAOTALKCHAT", "LINE", "WECHAT", "APPLEBC",
    ];

    private static readonly string[] Kinds =
    [
        "text_message", "media_message", "template_message", "choice_message", "card_message",
        "carousel_message", "location_message", "contact_info_message", "list_message",
    ];

    public static List<(string Field, string Description)> Check(JsonElement body)
    {
        var violations = new List<(string, string)>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            violations.Add(("", "the request body must be a JSON object"));
            return violations;
        }

        if (!body.TryGetProperty("app_id", out var appId) || appId.ValueKind != JsonValueKind.String || appId.GetString()!.Length == 0)
        {
            violations.Add(("app_id", "must not be empty"));
        }

        if (body.TryGetProperty("project_id", out _))
        {
            violations.Add(("project_id", "is a path parameter, not a body field"));
        }

        CheckRecipient(body, violations);
        CheckMessage(body, violations);
        if (body.TryGetProperty("ttl", out var ttl) && (ttl.ValueKind != JsonValueKind.String || !Ttl().IsMatch(ttl.GetString()!)))
        {
            violations.Add(("ttl", "must be a duration string such as \"600s\""));
        }

        CheckEnum(body, "queue", ["NORMAL_PRIORITY", "HIGH_PRIORITY"], violations);
        CheckEnum(body, "processing_strategy", ["DEFAULT", "DISPATCH_ONLY"], violations);
        CheckLength(body, "message_metadata", 1024, violations);
        CheckLength(body, "correlation_id", 128, violations);
        if (body.TryGetProperty("channel_priority_order", out var order) && order.ValueKind == JsonValueKind.Array)
        {
            foreach (var channel in order.EnumerateArray().Where(c => c.ValueKind != JsonValueKind.String || !Channels.Contains(c.GetString())))
            {
                violations.Add(("channel_priority_order", "contains an unknown channel"));
            }
        }

        return violations;
    }

    private static void CheckRecipient(JsonElement body, List<(string, string)> violations)
    {
        if (!body.TryGetProperty("recipient", out var recipient) || recipient.ValueKind != JsonValueKind.Object)
        {
            violations.Add(("recipient", "is required"));
            return;
        }

        var hasContact = recipient.TryGetProperty("contact_id", out _);
        var hasIdentities = recipient.TryGetProperty("identified_by", out var identifiedBy);
        if (hasContact == hasIdentities)
        {
            violations.Add(("recipient", "requires either contact_id or identified_by"));
            return;
        }

        if (hasIdentities)
        {
            if (!identifiedBy.TryGetProperty("channel_identities", out var identities) || identities.ValueKind != JsonValueKind.Array || identities.GetArrayLength() == 0)
            {
                violations.Add(("recipient.identified_by.channel_identities", "must not be empty"));
                return;
            }

            var i = 0;
            foreach (var identity in identities.EnumerateArray())
            {
                if (!identity.TryGetProperty("channel", out var channel) || !Channels.Contains(channel.GetString()))
                {
                    violations.Add(($"recipient.identified_by.channel_identities[{i}].channel", "unknown channel"));
                }

                if (!identity.TryGetProperty("identity", out var value) || string.IsNullOrWhiteSpace(value.GetString()))
                {
                    violations.Add(($"recipient.identified_by.channel_identities[{i}].identity", "must not be empty"));
                }

                i++;
            }
        }
    }

    private static void CheckMessage(JsonElement body, List<(string, string)> violations)
    {
        if (!body.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
        {
            violations.Add(("message", "is required"));
            return;
        }

        var kinds = message.EnumerateObject().Count(p => Kinds.Contains(p.Name));
        if (kinds != 1)
        {
            violations.Add(("message", "must contain exactly one message type"));
        }
    }

    private static void CheckEnum(JsonElement body, string name, string[] allowed, List<(string, string)> violations)
    {
        if (body.TryGetProperty(name, out var value) && (value.ValueKind != JsonValueKind.String || !allowed.Contains(value.GetString())))
        {
            violations.Add((name, $"must be one of {string.Join(", ", allowed)}"));
        }
    }

    private static void CheckLength(JsonElement body, string name, int max, List<(string, string)> violations)
    {
        if (body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > max)
        {
            violations.Add((name, $"must be at most {max} characters"));
        }
    }

    [GeneratedRegex(@"^\d+s$")]
    private static partial Regex Ttl();
}
