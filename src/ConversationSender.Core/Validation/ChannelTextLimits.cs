namespace ConversationSender.Validation;

/// <summary>Longest text Sinch documents per channel (API reference §6); channels not listed have no documented limit.</summary>
public static class ChannelTextLimits
{
    public static readonly IReadOnlyDictionary<string, int> ByChannel = new Dictionary<string, int>
    {
        ["WHATSAPP"] = 4096,
        ["RCS"] = 2000,
        ["VIBER"] = 7000,

        // Viber Business truncates anything longer; refusing it is kinder than a silently cut message.
        ["VIBERBM"] = 1000,
    };
}
