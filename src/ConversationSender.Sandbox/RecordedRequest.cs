namespace ConversationSender.Sandbox;

public sealed record RecordedRequest(string Method, string Path, string? Authorization, string? ContentType, string? Accept, string Body);
