namespace ConversationSender.Sandbox;

/// <summary>
/// A message the sandbox "took", as Sinch's message list returns it (API reference §8.1): what a reconciler searches
/// to learn whether an ambiguous send went through.
/// </summary>
public sealed record ListedMessage(string Id, DateTimeOffset AcceptTime, string? AppId, string Channel, string Identity, string Metadata, string AppMessageJson);
