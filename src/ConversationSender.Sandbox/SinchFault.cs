namespace ConversationSender.Sandbox;

/// <summary>What the sandbox does to one send; "after processing" means it counts as delivered, then fails.</summary>
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
