namespace ConversationSender.Consent;

/// <summary>One row of an identity's append-only history.</summary>
/// <param name="Changed">False when it changed nothing (an opt-out of someone already opted out, an operator's removal of nothing).</param>
public sealed record ConsentHistoryEntry(
    DateTimeOffset At,
    ConsentAction Action,
    ConsentCategory Category,
    ConsentSource Source,
    string? Reference,
    string? Channel,
    string? Reason,
    bool Changed);
