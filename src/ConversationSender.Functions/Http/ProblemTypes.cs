namespace ConversationSender.Functions.Http;

/// <summary>The <c>type</c> of each problem this API answers with; the README's outcome table explains each.</summary>
public static class ProblemTypes
{
    public const string InvalidMessage = "urn:conversation-sender:problem:invalid-message";
    public const string RejectedBySinch = "urn:conversation-sender:problem:rejected-by-sinch";
    public const string RateLimited = "urn:conversation-sender:problem:rate-limited";
    public const string Unavailable = "urn:conversation-sender:problem:unavailable";
    public const string Misconfigured = "urn:conversation-sender:problem:misconfigured";
    public const string UnsupportedMediaType = "urn:conversation-sender:problem:unsupported-media-type";
    public const string TooLarge = "urn:conversation-sender:problem:too-large";
    public const string InProgress = "urn:conversation-sender:problem:in-progress";
    public const string IdempotencyKeyReused = "urn:conversation-sender:problem:idempotency-key-reused";
    public const string Cancelled = "urn:conversation-sender:problem:cancelled";
    public const string SendUnconfirmed = "urn:conversation-sender:problem:send-unconfirmed";
    public const string InvalidBatch = "urn:conversation-sender:problem:invalid-batch";
    public const string BadSignature = "urn:conversation-sender:problem:bad-signature";
    public const string NotFound = "urn:conversation-sender:problem:not-found";
    public const string RecipientOptedOut = "urn:conversation-sender:problem:recipient-opted-out";
}
