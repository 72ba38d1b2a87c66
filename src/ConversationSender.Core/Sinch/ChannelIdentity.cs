namespace ConversationSender.Sinch;

/// <summary>One way to reach a recipient: a channel and the recipient's identity on it.</summary>
public sealed class ChannelIdentity
{
    public string? Channel { get; set; }

    public string? Identity { get; set; }

    /// <summary>Needed for app-scoped identities (Messenger, Instagram, LINE, WeChat).</summary>
    public string? AppId { get; set; }
}
