namespace ConversationSender.Consent;

/// <summary>The suppression list cannot be read now: a send must not go out unchecked (retry later).</summary>
public sealed class SuppressionListUnavailableException(string message, Exception inner) : Exception(message, inner);
