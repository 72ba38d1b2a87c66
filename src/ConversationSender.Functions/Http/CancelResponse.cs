using System.Text.Json.Serialization;

namespace ConversationSender.Functions.Http;

/// <summary>What <c>DELETE /api/messages/{trackingId}</c> found: cancelled in time, or already sent (with Sinch's id).</summary>
public sealed record CancelResponse(
    string TrackingId,
    string Status,
    [property: JsonConverter(typeof(NullableUtcMillisecondsConverter))] DateTimeOffset? CancelledAt = null,
    string? MessageId = null,
    [property: JsonConverter(typeof(NullableUtcMillisecondsConverter))] DateTimeOffset? AcceptedTime = null);
