namespace ConversationSender.Consent;

/// <summary>An identity opted out of a category: since when, and who said so (never the identity itself).</summary>
public sealed record Suppression(ConsentCategory Category, DateTimeOffset Since, ConsentSource Source, string? Channel);
