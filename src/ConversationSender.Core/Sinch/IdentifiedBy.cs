namespace ConversationSender.Sinch;

public sealed class IdentifiedBy
{
    public IList<ChannelIdentity>? ChannelIdentities { get; set; }
}
