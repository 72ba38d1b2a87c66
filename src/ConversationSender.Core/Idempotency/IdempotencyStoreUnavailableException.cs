namespace ConversationSender.Idempotency;

/// <summary>The key table could not be read or written; sending without it could duplicate, so the send waits.</summary>
public sealed class IdempotencyStoreUnavailableException(string message, Exception innerException) : Exception(message, innerException);
