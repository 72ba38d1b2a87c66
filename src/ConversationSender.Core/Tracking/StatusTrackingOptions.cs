using System.ComponentModel.DataAnnotations;

namespace ConversationSender.Tracking;

/// <summary>
/// Bound from the <c>Webhooks</c> section too: where Sinch is asked to report on each message, and what is kept of
/// the reports for the status lookup.
/// </summary>
public sealed class StatusTrackingOptions
{
    public const string SectionName = "Webhooks";

    private string? _callbackPath;

    /// <summary>
    /// The app's public base URL (e.g. https://my-app.azurewebsites.net). When set, sends without a
    /// <c>callback_url</c> get this URL plus the callback receiver's route.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The table (send queue's account) holding each message's status and history.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    public string StatusTableName { get; set; } = "deliverystatus";

    /// <summary>Record sends and reports in the status table (needs the send queue's storage).</summary>
    public bool RecordStatus { get; set; } = true;

    /// <summary>How long status rows are kept; older ones are deleted by the hourly retention purge.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan StatusRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The callback URL given to Sinch, or null without a public base URL or a receiver.</summary>
    public string? CallbackUrl => string.IsNullOrWhiteSpace(PublicBaseUrl) || _callbackPath is null ? null : PublicBaseUrl.TrimEnd('/') + _callbackPath;

    /// <summary>Set by the host that exposes the callback receiver: its route (e.g. <c>/api/sinch/events</c>). Not a setting.</summary>
    public void UseCallbackPath(string path) => _callbackPath = "/" + path.TrimStart('/');
}
