namespace ConversationSender.Queueing;

/// <param name="Replayed">Ids of the dead letters moved back (original message ids, or poison message ids).</param>
/// <param name="Scanned">Dead letters looked at.</param>
public sealed record ReplayResult(IReadOnlyList<string> Replayed, int Scanned);
