namespace ConversationSender.Functions;

/// <summary>Thrown by the queue trigger so the host makes the message visible again and retries it later.</summary>
public sealed class MessageNotSentException(string message) : Exception(message);
