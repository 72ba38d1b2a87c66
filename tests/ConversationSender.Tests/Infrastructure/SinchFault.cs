namespace ConversationSender.Tests.Infrastructure;

/// <summary>What the fake Sinch does to one send; "after processing" means it counts as delivered, then fails.</summary>
public enum SinchFault
{
    None,
    RateLimitedWithRetryAfter,
    RateLimitedWithoutRetryAfter,
    Unavailable,
    ServerErrorAfterProcessing,
    SlowAfterProcessing,
    DropBeforeProcessing,
    DropAfterProcessing,
}
