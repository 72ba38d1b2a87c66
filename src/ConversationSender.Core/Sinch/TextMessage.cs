using System.Text.Json.Serialization;

namespace ConversationSender.Sinch;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class TextMessage
{
    public string? Text { get; set; }
}
