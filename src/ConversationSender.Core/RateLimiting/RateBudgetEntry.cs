namespace ConversationSender.RateLimiting;

/// <summary>One name in the store and whether someone holds its lease now.</summary>
public readonly record struct RateBudgetEntry(string Name, bool Leased);
