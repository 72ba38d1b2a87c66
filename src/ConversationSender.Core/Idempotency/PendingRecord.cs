namespace ConversationSender.Idempotency;

/// <summary>A queued message not sent (yet): <c>SCHEDULED</c> (due at <see cref="SendAt"/>) or <c>CANCELLED</c>, as of <see cref="Since"/>.</summary>
public sealed record PendingRecord(string Status, DateTimeOffset Since, DateTimeOffset? SendAt) : KeyRecord;
