using System.Text.Json.Serialization;

namespace ConversationSender.Sinch;

/// <summary>Exactly one of <see cref="ContactId"/> or <see cref="IdentifiedBy"/>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class Recipient
{
    public string? ContactId { get; set; }

    public IdentifiedBy? IdentifiedBy { get; set; }
}
