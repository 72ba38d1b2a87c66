namespace ConversationSender.Consent;

/// <summary>The snake_case names answers and the inbound queue use for sources and actions.</summary>
public static class ConsentNames
{
    public static string Source(ConsentSource source) => source switch
    {
        ConsentSource.Keyword => "keyword",
        ConsentSource.SinchEvent => "sinch_event",
        _ => "operator",
    };

    public static string Action(ConsentAction action) => action == ConsentAction.OptOut ? "opt_out" : "opt_in";
}
