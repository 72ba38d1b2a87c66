namespace ConversationSender.Consent;

/// <param name="Changed">The suppression changed (for a duplicate: the first delivery changed it).</param>
/// <param name="Duplicate">The event's reference was applied before; nothing was done this time.</param>
public sealed record ConsentApplyResult(bool Changed, bool Duplicate);
