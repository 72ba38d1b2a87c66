using System.Collections.Concurrent;

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
    public string? MessageId { get; set; }

    /// <summary>"accepted", or the error it answered (e.g. "400 INVALID_ARGUMENT", "429 (no Retry-After)").</summary>
    public required string Outcome { get; set; }

    /// <summary>The request exactly as received.</summary>
    public required string RequestBody { get; init; }

    public required IReadOnlyDictionary<string, string> RequestHeaders { get; init; }

    public ConcurrentQueue<DeliveryReportRecord> DeliveryReports { get; } = new();
}

/// <param name="WebhookStatus">The HTTP status the webhook answered, or null if it could not be reached.</param>
/// <param name="Channel">The channel the report is about.</param>
public sealed record DeliveryReportRecord(string Status, DateTimeOffset SentAt, string Url, int? WebhookStatus, string Channel = "");
