namespace ConversationSender.Consent;

/// <summary>An operator's entry: a channel identity or a Sinch contact, a category, and why.</summary>
public sealed record ConsentEntry(string? Channel, string? Identity, string? ContactId, string? Category, string? Reason);
