namespace ConversationSender.Sinch;

public enum SinchAuthMode
{
    /// <summary>Client-credentials bearer tokens from the Sinch auth server (recommended by Sinch).</summary>
    OAuth2,

    /// <summary>Key id and secret on every request; Sinch rate-limits it more tightly.</summary>
    Basic,
}
