namespace ConversationSender.Retention;

/// <summary>How many rows and blobs one purge deleted.</summary>
public sealed record PurgeResult(int IdempotencyRows, int StatusRows, int DeadLetterOriginals);
