namespace ConversationSender.Idempotency;

/// <summary>What claiming an idempotency key found.</summary>
public abstract record IdempotencyClaim
{
    private IdempotencyClaim()
    {
    }

    /// <summary>The key is ours: send, then complete or release it.</summary>
    /// <param name="Unconfirmed">Set when an earlier attempt ended ambiguously: look the message up before sending.</param>
    public sealed record Claimed(string PartitionKey, string RowKey, Azure.ETag ETag, string Fingerprint, DateTimeOffset FirstUsedAt, UnconfirmedAttempt? Unconfirmed = null) : IdempotencyClaim;

    /// <summary>When an ambiguous attempt ran: Sinch's accept time of the message, if it took it, lies in between.</summary>
    public sealed record UnconfirmedAttempt(DateTimeOffset Start, DateTimeOffset End);

    /// <summary>The key was first used, at <see cref="FirstUsedAt"/>, for a different request: it names that one only.</summary>
    public sealed record UsedForAnotherRequest(DateTimeOffset FirstUsedAt) : IdempotencyClaim;

    /// <summary>A message was already sent under this key.</summary>
    public sealed record AlreadySent(string? MessageId, DateTimeOffset AcceptedTime) : IdempotencyClaim;

    /// <summary>The message under this key was cancelled before it was sent: it must not be sent.</summary>
    public sealed record Cancelled(DateTimeOffset At) : IdempotencyClaim;

    /// <summary>Another sender holds the key right now.</summary>
    public sealed record InFlight(DateTimeOffset Since) : IdempotencyClaim;
}
