namespace ConversationSender.Tests.Infrastructure;

public sealed record RecordedRequest(string Method, string Path, string? Authorization, string? ContentType, string? Accept, string Body);
