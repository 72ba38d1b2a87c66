using System.ComponentModel.DataAnnotations;

namespace ConversationSender.Callbacks;

/// <summary>Bound from the <c>Webhooks</c> section: how Sinch's callbacks are verified and forwarded (what is kept of them: <c>StatusTrackingOptions</c>).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>Key Vault secret holding the webhook secret (when KeyVault:VaultUri is set).</summary>
    [Required]
    public string SecretName { get; set; } = "sinch-webhook-secret";

    /// <summary>The webhook secret itself, for runs without Key Vault (local settings).</summary>
    public string? Secret { get; set; }

    /// <summary>Callbacks signed longer ago (or further ahead) than this are refused as replays.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>When set, every delivery report is also put on this queue (base64) for your own consumers.</summary>
    public string? ForwardQueueName { get; set; }

    /// <summary>
    /// Where verified callbacks of <see cref="InboundTriggers"/> go (base64 JSON, <c>InboundEnvelope</c> version 1),
    /// in the send queue's account; empty: not forwarded.
    /// </summary>
    public string? InboundQueueName { get; set; } = "inbound-messages";

    /// <summary>Comma-separated triggers forwarded to <see cref="InboundQueueName"/>; UNKNOWN stands for any trigger this version does not know.</summary>
    public string InboundTriggers { get; set; } = "MESSAGE_INBOUND,EVENT_INBOUND,EVENT_DELIVERY,MESSAGE_SUBMIT,CONVERSATION_START,CONVERSATION_STOP,UNKNOWN";

    public bool Forwards(string trigger) =>
        !string.IsNullOrWhiteSpace(InboundQueueName)
        && InboundTriggers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(trigger, StringComparer.OrdinalIgnoreCase);
}
