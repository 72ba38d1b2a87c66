namespace ConversationSender.Sinch;

public sealed record SinchFieldViolation(string Field, string Description);
