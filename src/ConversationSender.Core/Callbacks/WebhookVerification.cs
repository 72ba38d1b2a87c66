namespace ConversationSender.Callbacks;

public enum WebhookVerification
{
    Valid,
    MissingHeaders,
    BadSignature,
    StaleTimestamp,
    ReplayedNonce,
}
