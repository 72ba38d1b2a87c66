namespace ConversationSender.Validation;

/// <summary>The channel names Sinch's Conversation API accepts in requests.</summary>
/// <remarks>
/// Closed on purpose although Sinch's enum is open: a typo such as <c>SMSS</c> would otherwise pass here and
/// fail only later at Sinch. A channel Sinch adds is one line here.
/// </remarks>
public static class ConversationChannels
{
    public static readonly IReadOnlyList<string> All =
    [
        "WHATSAPP", "RCS", "SMS", "MESSENGER", "VIBER", "VIBERBM", "MMS", "INSTAGRAM",
        "TELEGRAM", "KAKAOTALK", "KAKAOTALKCHAT", "LINE", "WECHAT", "APPLEBC",
    ];

    /// <summary>The canonical (upper-case) name, or null when the channel is unknown.</summary>
    public static string? Normalize(string? channel)
    {
        var name = channel.AsSpan().Trim();
        foreach (var known in All)
        {
            if (name.Equals(known, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return null;
    }
}
