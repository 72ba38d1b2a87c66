namespace ConversationSender.Idempotency;

/// <summary>What the status lookup finds under a key: a <see cref="SentRecord"/> or a <see cref="PendingRecord"/>.</summary>
public abstract record KeyRecord;
