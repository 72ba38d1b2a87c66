namespace ConversationSender.Consent;

/// <summary>Where a change of consent came from (kept in the history, shown to a refused send).</summary>
public enum ConsentSource
{
    /// <summary>The recipient texted a keyword (a MESSAGE_INBOUND callback).</summary>
    Keyword,

    /// <summary>Sinch reported an OPT_OUT or OPT_IN (its consent management, or the channel).</summary>
    SinchEvent,

    /// <summary>An operator, through the opt-outs API (one entry or an import).</summary>
    Operator,
}
