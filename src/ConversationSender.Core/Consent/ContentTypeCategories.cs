namespace ConversationSender.Consent;

/// <summary>Which suppressions stop a send, told by its <c>message_content_type</c>.</summary>
public static class ContentTypeCategories
{
    private static readonly ConsentCategory[] AllOnly = [ConsentCategory.All];
    private static readonly ConsentCategory[] Marketing = [ConsentCategory.All, ConsentCategory.Marketing];
    private static readonly ConsentCategory[] Notification = [ConsentCategory.All, ConsentCategory.Notification];

    /// <summary>
    /// An opt-out of everything stops every send; an opt-out of marketing (or notifications) stops only sends declared as
    /// such. A send that declares no content type (or CONTENT_UNKNOWN) is stopped by an opt-out of everything only, as
    /// Sinch applies its lists.
    /// </summary>
    public static IReadOnlyList<ConsentCategory> Blocking(string? messageContentType) => messageContentType switch
    {
        "CONTENT_MARKETING" => Marketing,
        "CONTENT_NOTIFICATION" => Notification,
        _ => AllOnly,
    };

    public static string Name(ConsentCategory category) => category switch
    {
        ConsentCategory.Marketing => "marketing",
        ConsentCategory.Notification => "notification",
        _ => "all",
    };

    public static bool TryParse(string? name, out ConsentCategory category)
    {
        switch (name?.Trim().ToUpperInvariant())
        {
            case null or "" or "ALL" or "OPT_OUT_ALL":
                category = ConsentCategory.All;
                return true;
            case "MARKETING" or "OPT_OUT_MARKETING" or "CONTENT_MARKETING":
                category = ConsentCategory.Marketing;
                return true;
            case "NOTIFICATION" or "OPT_OUT_NOTIFICATION" or "CONTENT_NOTIFICATION":
                category = ConsentCategory.Notification;
                return true;
            default:
                category = ConsentCategory.All;
                return false;
        }
    }
}
