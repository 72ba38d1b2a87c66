namespace ConversationSender.Consent;

/// <summary>
/// What an opt-out covers, as Sinch's consent lists do (<c>OPT_OUT_ALL</c>, <c>OPT_OUT_MARKETING</c>,
/// <c>OPT_OUT_NOTIFICATION</c>), applied by a send's <c>message_content_type</c>.
/// </summary>
public enum ConsentCategory
{
    All,
    Marketing,
    Notification,
}
