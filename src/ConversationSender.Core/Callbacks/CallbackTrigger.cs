using System.Text.Json;

namespace ConversationSender.Callbacks;

/// <summary>
/// Which of Sinch's webhook triggers a callback is, told by its payload key (API reference §7.3). A payload this
/// list does not know is <see cref="Unknown"/>: kept and forwarded as received, never refused.
/// </summary>
public static class CallbackTrigger
{
    public const string Unknown = "UNKNOWN";

    public const string MessageDelivery = "MESSAGE_DELIVERY";

    private static readonly (string PayloadKey, string Trigger)[] Known =
    [
        ("message_delivery_report", MessageDelivery),
        ("message", "MESSAGE_INBOUND"),
        ("event", "EVENT_INBOUND"),
        ("event_delivery_report", "EVENT_DELIVERY"),
        ("message_submit_notification", "MESSAGE_SUBMIT"),
        ("conversation_start_notification", "CONVERSATION_START"),
        ("conversation_stop_notification", "CONVERSATION_STOP"),
        ("conversation_delete_notification", "CONVERSATION_DELETE"),
        ("contact_create_notification", "CONTACT_CREATE"),
        ("contact_update_notification", "CONTACT_UPDATE"),
        ("contact_delete_notification", "CONTACT_DELETE"),
        ("contact_merge_notification", "CONTACT_MERGE"),
        ("capability_notification", "CAPABILITY"),
        ("opt_in_notification", "OPT_IN"),
        ("opt_out_notification", "OPT_OUT"),
        ("channel_event_notification", "CHANNEL_EVENT"),
        ("smart_conversation_notification", "SMART_CONVERSATIONS"),
    ];

    /// <summary>The trigger, and the payload key it was told by (null for an unknown one).</summary>
    public static (string Trigger, string? PayloadKey) Of(JsonElement callback)
    {
        foreach (var (key, trigger) in Known)
        {
            if (callback.TryGetProperty(key, out var payload) && payload.ValueKind == JsonValueKind.Object)
            {
                return (trigger, key);
            }
        }

        return (Unknown, null);
    }
}
