using System.Globalization;
using ConversationSender.Contract;

namespace ConversationSender.Validation;

/// <summary>
/// <c>send_at</c>: an RFC 3339 time with an explicit offset (<c>Z</c> or <c>±hh:mm</c>), so that "09:00" is never
/// read in the server's time zone; and how far ahead a queued send may be scheduled.
/// </summary>
public static class ScheduledTime
{
    /// <summary><see cref="MessageContract.SendAtMaxAhead"/>, under the name the queue's code knows.</summary>
    public static TimeSpan MaxAhead => MessageContract.SendAtMaxAhead;

    /// <summary>Closer than this, a send is not worth delaying: it goes now.</summary>
    public static readonly TimeSpan SendNowWithin = TimeSpan.FromSeconds(1);

    /// <summary>The error for a <c>send_at</c> beyond the window, naming the last time allowed; null within it.</summary>
    public static FieldError? TooFarAhead(DateTimeOffset sendAt, DateTimeOffset now) =>
        sendAt - now > MessageContract.SendAtMaxAhead
            ? new FieldError("send_at", $"may be at most {MessageContract.SendAtMaxAhead.TotalDays:0} days ahead (until {now + MessageContract.SendAtMaxAhead:O})")
            : null;

    public static bool TryParse(string? text, out DateTimeOffset at)
    {
        at = default;
        if (text is not { Length: >= 20 and <= 40 } || !text.Contains('T', StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var offset = text[^1] is 'Z' or 'z' || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        return offset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out at);
    }
}
