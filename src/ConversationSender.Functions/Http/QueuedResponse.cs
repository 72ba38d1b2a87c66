namespace ConversationSender.Functions.Http;

/// <summary>The 202 body of an accepted-for-later message: its tracking id (= its idempotency key).</summary>
public sealed record QueuedResponse(string TrackingId, string Status = "queued");
