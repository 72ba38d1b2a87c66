namespace ConversationSender.Consent;

/// <summary>An inbound text recognised as a keyword.</summary>
/// <param name="Language">The language whose list holds the keyword: the reply is sent in it.</param>
public sealed record KeywordMatch(KeywordAction Action, ConsentCategory Category, string Language);
