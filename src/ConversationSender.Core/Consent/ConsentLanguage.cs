namespace ConversationSender.Consent;

/// <summary>
/// One language's keywords (comma-separated, matched as whole messages) and replies, bound from
/// <c>Consent:Languages:{code}</c>. An empty reply sends none for that language.
/// </summary>
public sealed class ConsentLanguage
{
    public string OptOut { get; set; } = "";

    public string OptIn { get; set; } = "";

    public string Help { get; set; } = "";

    /// <summary>Words that, after an opt-out or opt-in keyword, narrow it to marketing ("STOP MARKETING").</summary>
    public string MarketingWords { get; set; } = "";

    /// <summary>Words that, after an opt-out or opt-in keyword, narrow it to notifications ("STOP ALERTS").</summary>
    public string NotificationWords { get; set; } = "";

    /// <summary>Words of politeness allowed before or after a keyword ("stop please").</summary>
    public string CourtesyWords { get; set; } = "";

    public string OptOutReply { get; set; } = "";

    public string OptInReply { get; set; } = "";

    public string HelpReply { get; set; } = "";
}
