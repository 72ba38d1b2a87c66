namespace ConversationSender.Functions.Http;

/// <summary>What <c>DELETE /api/messages/{trackingId}</c> found: cancelled in time, or already sent (with Sinch's id).</summary>
public sealed record CancelResponse(string TrackingId, string Status, DateTimeOffset? CancelledAt = null, string? MessageId = null, DateTimeOffset? AcceptedTime = null);
