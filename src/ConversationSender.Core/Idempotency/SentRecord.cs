namespace ConversationSender.Idempotency;

/// <summary>What a key's completion recorded: Sinch's message id, when Sinch took it, and the caller's correlation id.</summary>
public sealed record SentRecord(string? MessageId, DateTimeOffset AcceptedTime, string? CorrelationId) : KeyRecord;
