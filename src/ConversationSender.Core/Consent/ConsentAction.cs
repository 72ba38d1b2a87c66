namespace ConversationSender.Consent;

public enum ConsentAction
{
    OptOut,
    OptIn,
}
