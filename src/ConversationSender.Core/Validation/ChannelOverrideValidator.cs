using System.Text.Json;

namespace ConversationSender.Validation;

/// <summary>
/// The overrides beside a message's content: a channel's own payload, per-channel content, channel-specific types.
/// </summary>
internal static class ChannelOverrideValidator
{
    public static void ExplicitChannel(JsonElement value, string path, JsonFieldChecker check)
    {
        foreach (var entry in value.EnumerateObject())
        {
            AppMessageValidator.KnownChannelKey(entry.Name, $"{path}.{entry.Name}", check);
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                check.Add($"{path}.{entry.Name}", "must be the channel's own payload as a JSON string");
            }
        }
    }

    public static void ExplicitChannelOmni(JsonElement value, string path, IReadOnlyCollection<string> channels, JsonFieldChecker check)
    {
        foreach (var entry in value.EnumerateObject())
        {
            var field = $"{path}.{entry.Name}";
            AppMessageValidator.KnownChannelKey(entry.Name, field, check);
            if (check.IsObject(entry.Value, field))
            {
                AppMessageValidator.ValidateKinds(entry.Value.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value)), field, channels, check, omni: true);
            }
        }
    }

    public static void ChannelSpecific(JsonElement value, string path, JsonFieldChecker check)
    {
        foreach (var entry in value.EnumerateObject())
        {
            var field = $"{path}.{entry.Name}";
            AppMessageValidator.KnownChannelKey(entry.Name, field, check);
            if (check.IsObject(entry.Value, field))
            {
                // Open on purpose: Sinch adds channel-specific types (FLOWS, ORDER_DETAILS, COMMERCE, …) over time.
                check.String(entry.Value, "message_type", field, required: true);
                check.Object(entry.Value, "message", field, required: true);
            }
        }
    }
}
