namespace ConversationSender.Credentials;

/// <summary>The secret store could not be reached or answered with a server error; a later attempt may succeed.</summary>
public sealed class CredentialsUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
