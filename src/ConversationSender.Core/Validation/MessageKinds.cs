namespace ConversationSender.Validation;

/// <summary>The keys an AppMessage may hold: exactly one content kind plus optional overrides.</summary>
public static class MessageKinds
{
    public static readonly IReadOnlyList<string> Content =
    [
        "text_message", "media_message", "template_message", "choice_message", "card_message",
        "carousel_message", "location_message", "contact_info_message", "list_message",
    ];

    /// <summary>The kinds of an <c>explicit_channel_omni_message</c> entry: templates are referenced, not wrapped.</summary>
    public static readonly IReadOnlyList<string> OmniContent =
    [
        "text_message", "media_message", "template_reference", "choice_message", "card_message",
        "carousel_message", "location_message", "contact_info_message", "list_message",
    ];

    public static readonly IReadOnlyList<string> Overrides =
    [
        "explicit_channel_message", "explicit_channel_omni_message", "channel_specific_message", "agent",
    ];
}
