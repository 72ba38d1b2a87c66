using System.ComponentModel.DataAnnotations;

namespace ConversationSender.Callbacks;

/// <summary>Bound from the <c>Webhooks</c> section: how Sinch's callbacks are verified, stored and forwarded.</summary>
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

    /// <summary>
    /// The app's public base URL (e.g. https://my-app.azurewebsites.net). When set, sends without a
    /// <c>callback_url</c> get <c>{PublicBaseUrl}/api/sinch/events</c>.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>When set, every delivery report is also put on this queue (base64) for your own consumers.</summary>
    public string? ForwardQueueName { get; set; }

    /// <summary>The table (send queue's account) holding each message's status and history.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string StatusTableName { get; set; } = "deliverystatus";

    /// <summary>Record sends and reports in the status table (needs the send queue's storage).</summary>
    public bool RecordStatus { get; set; } = true;

    /// <summary>How long status rows are kept; older ones are deleted by the hourly retention purge.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan StatusRetention { get; set; } = TimeSpan.FromDays(30);

    public string? CallbackUrl => string.IsNullOrWhiteSpace(PublicBaseUrl) ? null : PublicBaseUrl.TrimEnd('/') + "/api/sinch/events";
}
