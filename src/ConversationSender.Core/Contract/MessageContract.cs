namespace ConversationSender.Contract;

/// <summary>
/// Every limit and closed value list of the inbound message, stated once: the validator runs these, the OpenAPI
/// document is filled in from them, and the docs quote them. Sinch's figures come from its API reference (§3, §6 of
/// <c>sinch-conversation-api.md</c>); the rest are ours, each with its reason.
/// </summary>
public static class MessageContract
{
    /// <summary>The channel names Sinch accepts in requests; any case in, upper case out.</summary>
    /// <remarks>Closed on purpose although Sinch's enum is open: a typo such as <c>SMSS</c> would pass here and fail only at Sinch.</remarks>
    public static readonly IReadOnlyList<string> Channels =
    [
        "WHATSAPP", "RCS", "SMS", "MESSENGER", "VIBER", "VIBERBM", "MMS", "INSTAGRAM",
        "TELEGRAM", "KAKAOTALK", "KAKAOTALKCHAT", "LINE", "WECHAT", "APPLEBC",
    ];

    /// <summary>Longest text Sinch documents per channel; channels not listed have no documented limit.</summary>
    /// <remarks>Viber Business truncates anything longer; refusing it is kinder than a silently cut message.</remarks>
    public static readonly IReadOnlyDictionary<string, int> TextLimitByChannel = new Dictionary<string, int>
    {
        ["WHATSAPP"] = 4096,
        ["RCS"] = 2000,
        ["VIBER"] = 7000,
        ["VIBERBM"] = 1000,
    };

    /// <summary>The content kinds of an AppMessage: exactly one per message.</summary>
    public static readonly IReadOnlyList<string> ContentKinds =
    [
        "text_message", "media_message", "template_message", "choice_message", "card_message",
        "carousel_message", "location_message", "contact_info_message", "list_message",
    ];

    /// <summary>The kinds of an <c>explicit_channel_omni_message</c> entry: templates are referenced, not wrapped.</summary>
    public static readonly IReadOnlyList<string> OmniContentKinds =
    [
        "text_message", "media_message", "template_reference", "choice_message", "card_message",
        "carousel_message", "location_message", "contact_info_message", "list_message",
    ];

    /// <summary>Optional overrides beside the one content kind.</summary>
    public static readonly IReadOnlyList<string> OverrideKinds =
    [
        "explicit_channel_message", "explicit_channel_omni_message", "channel_specific_message", "agent",
    ];

    /// <summary>The kinds of a choice (choice, card and carousel messages): exactly one per choice.</summary>
    public static readonly IReadOnlyList<string> ChoiceKinds =
    [
        "text_message", "url_message", "call_message", "location_message", "calendar_message", "share_location_message",
    ];

    // Closed enums: Sinch's own values are few and stable, and a typo ("NORMAL", "HIGH") would otherwise be refused by
    // Sinch only after the call, or silently fall back to the default.
    public static readonly IReadOnlyList<string> Queues = ["NORMAL_PRIORITY", "HIGH_PRIORITY"];
    public static readonly IReadOnlyList<string> ProcessingStrategies = ["DEFAULT", "DISPATCH_ONLY"];
    public static readonly IReadOnlyList<string> MetadataUpdateStrategies = ["REPLACE", "MERGE_PATCH"];
    public static readonly IReadOnlyList<string> ContentTypes = ["CONTENT_UNKNOWN", "CONTENT_MARKETING", "CONTENT_NOTIFICATION"];
    public static readonly IReadOnlyList<string> CardHeights = ["UNSPECIFIED_HEIGHT", "SHORT", "MEDIUM", "TALL"];
    public static readonly IReadOnlyList<string> AgentTypes = ["UNKNOWN_AGENT_TYPE", "HUMAN", "BOT"];

    public const int MessageMetadataMaxLength = 1024;
    public const int ConversationMetadataMaxLength = 2048;
    public const int CorrelationIdMaxLength = 128;
    public const int ChannelPropertyMaxLength = 1024;
    public const long TtlMinSeconds = 3;
    public const long TtlMaxSeconds = 315_576_000_000;

    /// <summary>Ours: far more than any recipient has; a longer identity list or priority order is refused whole.</summary>
    public const int MaxChannels = 20;

    public const int ChoicesMax = 10;
    public const int CarouselCardsMax = 10;
    public const int CarouselChoicesMax = 3;
    public const double LatitudeMax = 90;
    public const double LongitudeMax = 180;

    /// <summary>Ours: an idempotency key (body, header or queue tracking id) is 1 to this many printable characters.</summary>
    public const int IdempotencyKeyMaxLength = 200;

    /// <summary>Ours: a queue keeps a message invisible for at most seven days, so <c>send_at</c> may be no further ahead.</summary>
    public static readonly TimeSpan SendAtMaxAhead = TimeSpan.FromDays(7);
}
