namespace ConversationSender.Idempotency;

/// <summary>What cancelling a queued message under its key found.</summary>
public abstract record Cancellation
{
    private Cancellation()
    {
    }

    /// <summary>Cancelled in time (or already): it will not be sent.</summary>
    public sealed record Cancelled(DateTimeOffset At) : Cancellation;

    /// <summary>Too late: Sinch already has it.</summary>
    public sealed record AlreadySent(string? MessageId, DateTimeOffset AcceptedTime) : Cancellation;

    /// <summary>Too late to say: it is being sent right now, or an ambiguous attempt may have reached Sinch.</summary>
    public sealed record InProgress(DateTimeOffset Since) : Cancellation;

    /// <summary>The idempotency table could not be reached: nothing was cancelled; try again.</summary>
    public sealed record Unavailable(string Reason) : Cancellation;

    /// <summary>No message was queued under this key (or it is past its retention).</summary>
    public sealed record Unknown : Cancellation;
}
