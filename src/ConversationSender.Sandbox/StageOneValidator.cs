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

    // API reference §3.1: everything messages:send takes at the top level. Anything else is refused, so a client that
    // leaks a field of its own (or misspells one) is caught here.
    private static readonly string[] TopLevelFields =
    [
        "app_id", "recipient", "message", "callback_url", "channel_priority_order", "channel_properties", "message_metadata",
        "conversation_metadata", "queue", "ttl", "processing_strategy", "correlation_id", "conversation_metadata_update_strategy",
        "message_content_type",
    ];

    // §3.3: the keys of an AppMessage besides its one content kind.
    private static readonly string[] MessageOverrides = ["explicit_channel_message", "explicit_channel_omni_message", "channel_specific_message", "agent"];

    // §3.3: each kind's fields, and which must be present and not empty.
    private static readonly Dictionary<string, (string[] Fields, string[] Required)> KindFields = new()
    {
        ["text_message"] = (["text"], ["text"]),
        ["media_message"] = (["url", "thumbnail_url", "filename_override"], ["url"]),
        ["template_message"] = (["omni_template", "channel_template"], []),
        ["choice_message"] = (["choices", "text_message", "message_properties"], ["choices"]),
        ["card_message"] = (["title", "description", "media_message", "height", "choices", "message_properties"], []),
        ["carousel_message"] = (["cards", "choices"], ["cards"]),
        ["location_message"] = (["coordinates", "title", "label"], ["coordinates", "title"]),
        ["contact_info_message"] = (["name", "phone_numbers", "addresses", "email_addresses", "organization", "urls", "birthday"], ["name", "phone_numbers"]),
        ["list_message"] = (["title", "description", "media", "sections", "message_properties"], ["title", "sections"]),
    };

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

        foreach (var field in body.EnumerateObject().Where(p => !TopLevelFields.Contains(p.Name)))
        {
            violations.Add((field.Name, field.Name == "project_id" ? "is a path parameter, not a body field" : "unknown field"));
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

        foreach (var property in message.EnumerateObject())
        {
            if (KindFields.TryGetValue(property.Name, out var shape))
            {
                CheckKind($"message.{property.Name}", property.Value, shape, violations);
            }
            else if (!MessageOverrides.Contains(property.Name))
            {
                violations.Add(($"message.{property.Name}", "unknown field"));
            }
        }
    }

    private static void CheckKind(string path, JsonElement kind, (string[] Fields, string[] Required) shape, List<(string, string)> violations)
    {
        if (kind.ValueKind != JsonValueKind.Object)
        {
            violations.Add((path, "must be an object"));
            return;
        }

        foreach (var field in kind.EnumerateObject().Where(p => !shape.Fields.Contains(p.Name)))
        {
            violations.Add(($"{path}.{field.Name}", "unknown field"));
        }

        foreach (var required in shape.Required.Where(r => !kind.TryGetProperty(r, out var value) || IsEmpty(value)))
        {
            violations.Add(($"{path}.{required}", "must not be empty"));
        }

        if (path == "message.template_message" && !shape.Fields.Any(f => kind.TryGetProperty(f, out var value) && !IsEmpty(value)))
        {
            violations.Add((path, "needs omni_template or channel_template"));
        }
    }

    private static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()),
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        JsonValueKind.Null or JsonValueKind.Undefined => true,
        _ => false,
    };

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

    [GeneratedRegex(@"^\d+s$", RegexOptions.NonBacktracking)]
    private static partial Regex Ttl();
}
