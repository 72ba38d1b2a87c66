namespace ConversationSender.Sandbox;

/// <summary>A reply "as the recipient" (page form or <c>POST /api/inbound</c>): posted to the webhook as a signed MESSAGE_INBOUND callback.</summary>
public sealed class InboundReply
{
    public string Channel { get; set; } = "SMS";

    public string Identity { get; set; } = "";

    public string Text { get; set; } = "";
}
