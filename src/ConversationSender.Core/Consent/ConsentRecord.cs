namespace ConversationSender.Consent;

/// <summary>What the suppression list holds for one identity: its active suppressions and its whole history, oldest first.</summary>
public sealed record ConsentRecord(ConsentSubject Subject, IReadOnlyList<Suppression> Suppressions, IReadOnlyList<ConsentHistoryEntry> History);
