using System.Text.Json.Serialization;

namespace ConversationSender.Sinch;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class IdentifiedBy
{
    public IList<ChannelIdentity>? ChannelIdentities { get; set; }
}
