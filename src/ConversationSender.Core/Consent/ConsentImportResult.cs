namespace ConversationSender.Consent;

/// <param name="Added">Entries that opted someone out.</param>
/// <param name="AlreadyOptedOut">Entries already on the list (recorded in the history all the same).</param>
public sealed record ConsentImportResult(int Added, int AlreadyOptedOut);
