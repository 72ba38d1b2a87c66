using ConversationSender.Validation;

namespace ConversationSender.Queueing;

/// <summary>What lands on the dead-letter queue: the caller's original message and why it was not sent.</summary>
public sealed record DeadLetterEntry
{
    public required string Reason { get; init; }

    /// <summary>rejected (never retried) or gave_up (transient failures until the last attempt).</summary>
    public required string Outcome { get; init; }

    public IReadOnlyList<FieldError>? Errors { get; init; }

    public int? UpstreamStatus { get; init; }

    public string? SinchStatus { get; init; }

    public required string OriginalMessageId { get; init; }

    public required string QueueName { get; init; }

    public long DequeueCount { get; init; }

    public DateTimeOffset? InsertedOn { get; init; }

    public required DateTimeOffset FailedOn { get; init; }

    /// <summary>The message exactly as it was on the queue (decoded text), so it can be fixed and re-queued.</summary>
    /// <remarks>Null when the entry would not fit a queue message: the text is then in <see cref="OriginalMessageBlob"/>.</remarks>
    public string? OriginalMessage { get; init; }

    /// <summary><c>{container}/{blob}</c> in the send queue's account holding the original, when it did not fit here.</summary>
    public string? OriginalMessageBlob { get; init; }
}
