namespace ConversationSender.Functions.Http;

public sealed record OptOutHistoryResponse(DateTimeOffset At, string Action, string Category, string Source, string? Reference, string? Channel, string? Reason, bool Changed);
