using System.Text.Json.Serialization;

namespace ConversationSender.Contract;

/// <summary>The short form's <c>to</c>: one channel and one identity.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ShortRecipient
{
    public string? Channel { get; set; }

    public string? Identity { get; set; }
}
