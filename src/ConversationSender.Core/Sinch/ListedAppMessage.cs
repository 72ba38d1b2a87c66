using System.Text.Json;

namespace ConversationSender.Sinch;

/// <summary>One message of Sinch's message list (API reference §8.1): what a reconciliation compares.</summary>
public sealed class ListedAppMessage
{
    public string? Id { get; set; }

    public DateTimeOffset? AcceptTime { get; set; }

    public string? Metadata { get; set; }

    public JsonElement? AppMessage { get; set; }
}
