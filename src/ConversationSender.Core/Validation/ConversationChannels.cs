namespace ConversationSender.Validation;

/// <summary>The channel names Sinch's Conversation API accepts in requests.</summary>
public static class ConversationChannels
{
    public static readonly IReadOnlyList<string> All =
    [
        "WHATSAPP", "RCS", "SMS", "MESSENGER", "VIBER", "VIBERBM", "MMS", "INSTAGRAM",
        "TELEGRAM", "KAKAOTALK", "KAKAOTALKCHAT", "LINE", "WECHAT", "APPLEBC",
    ];

    /// <summary>The canonical (upper-case) name, or null when the channel is unknown.</summary>
    public static string? Normalize(string? channel) =>
        channel is null ? null : All.FirstOrDefault(c => string.Equals(c, channel.Trim(), StringComparison.OrdinalIgnoreCase));
}
