namespace ConversationSender.Sending;

/// <summary>What looking up an ambiguous send in Sinch's message list decided.</summary>
public enum ReconciliationResult
{
    /// <summary>Found: Sinch took it; not sent again.</summary>
    Sent,

    /// <summary>Not listed after the settle time: it was not taken, and is sent now (once).</summary>
    NotSent,

    /// <summary>Not listed yet, within the settle time: looked up again later.</summary>
    NotListedYet,

    /// <summary>The list cannot be searched: not resent, parked for a person to decide.</summary>
    ParkedUnconfirmed,

    /// <summary>The list cannot be searched and <c>Sinch:RetryAmbiguousFailures</c> allows a blind resend.</summary>
    ResentUnreconciled,
}
