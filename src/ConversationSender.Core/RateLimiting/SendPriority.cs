namespace ConversationSender.RateLimiting;

/// <summary>Who waits for the budget: a caller on an HTTP send goes before a queued backlog.</summary>
public enum SendPriority
{
    Caller = 0,
    Backlog = 1,
}
