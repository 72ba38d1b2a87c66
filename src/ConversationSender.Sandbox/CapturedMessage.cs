using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace ConversationSender.Sandbox;

/// <summary>One send the sandbox received, as listed on its page and by <c>GET /api/captured</c>.</summary>
public sealed class CapturedMessage
{
    public required string Id { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required string Region { get; init; }

    public required string ProjectId { get; init; }

    public string? AppId { get; init; }

    public required IReadOnlyList<string> Channels { get; init; }

    public required IReadOnlyList<string> Identities { get; init; }

    public string? ContactId { get; init; }

    public required string Kind { get; init; }

    /// <summary>The text of a text message (or of a choice message), else null.</summary>
    public string? Text { get; init; }

    public string? CorrelationId { get; init; }

    public string? MessageMetadata { get; init; }

    public string? CallbackUrl { get; init; }

    /// <summary>The contact, conversation and channels the delivery reports follow.</summary>
    public DeliveryRoute? Route { get; init; }

    /// <summary>Sinch's id when accepted; null when the sandbox answered with an error.</summary>
    public string? MessageId
    {
        get;
        set
        {
            field = value;
            Changed?.Invoke();
        }
    }

    /// <summary>"accepted", or the error it answered (e.g. "400 INVALID_ARGUMENT", "429 (no Retry-After)").</summary>
    public required string Outcome
    {
        get;
        set
        {
            field = value;
            Changed?.Invoke();
        }
    }

    /// <summary>The error message the sandbox answered, when it refused the send.</summary>
    public string? Reason { get; set; }

    /// <summary>The field violations of a refused send, as its 400 listed them.</summary>
    public IReadOnlyList<FieldError>? FieldErrors { get; set; }

    /// <summary>The request exactly as received.</summary>
    public required string RequestBody { get; init; }

    public required IReadOnlyDictionary<string, string> RequestHeaders { get; init; }

    public ConcurrentQueue<DeliveryReportRecord> DeliveryReports { get; } = new();

    /// <summary>Called when the outcome, the id or the reports change (the page's live updates).</summary>
    [JsonIgnore]
    internal Action? Changed { get; set; }

    internal void AddReport(DeliveryReportRecord report)
    {
        DeliveryReports.Enqueue(report);
        Changed?.Invoke();
    }
}

/// <summary>One field violation of a refused send.</summary>
public sealed record FieldError(string Field, string Description);

/// <param name="WebhookStatus">The HTTP status the webhook answered, or null if it could not be reached.</param>
/// <param name="Channel">The channel the report is about.</param>
/// <param name="Reason">Why a channel failed (SWITCHING_CHANNEL, FAILED): Sinch's reason code and description.</param>
public sealed record DeliveryReportRecord(string Status, DateTimeOffset SentAt, string Url, int? WebhookStatus, string Channel = "", string? Reason = null);
