namespace ConversationSender.Queueing;

public sealed class MessageTooLargeException(string message) : Exception(message);
