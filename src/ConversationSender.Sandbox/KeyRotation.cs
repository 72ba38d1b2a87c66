namespace ConversationSender.Sandbox;

/// <summary>The body of <c>POST /api/key</c>: the access key's new secret.</summary>
public sealed class KeyRotation
{
    public string KeySecret { get; set; } = "";
}
