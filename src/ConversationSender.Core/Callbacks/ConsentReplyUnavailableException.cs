namespace ConversationSender.Callbacks;

/// <summary>A confirmation could not be sent for now: the callback is answered 503 so that Sinch delivers it again (the reply keeps its idempotency key).</summary>
public sealed class ConsentReplyUnavailableException(string message) : Exception(message);
