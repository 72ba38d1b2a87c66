using System.Text.Json;

namespace ConversationSender.Sinch;

/// <summary>One message of Sinch's message list (API reference §8.1): what a reconciliation compares.</summary>
public sealed record ListedAppMessage(string? Id, DateTimeOffset? AcceptTime, string? Metadata, JsonElement? AppMessage);
