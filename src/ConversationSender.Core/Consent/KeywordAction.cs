namespace ConversationSender.Consent;

public enum KeywordAction
{
    OptOut,
    OptIn,
    Help,
}
