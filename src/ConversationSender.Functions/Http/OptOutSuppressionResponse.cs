namespace ConversationSender.Functions.Http;

public sealed record OptOutSuppressionResponse(string Category, DateTimeOffset Since, string Source, string? Channel);
