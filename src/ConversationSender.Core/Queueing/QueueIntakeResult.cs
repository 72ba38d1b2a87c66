using ConversationSender.Validation;

namespace ConversationSender.Queueing;

/// <summary>What happened to one message offered for sending later.</summary>
public abstract record QueueIntakeResult
{
    private QueueIntakeResult()
    {
    }

    public sealed record Queued(string TrackingId) : QueueIntakeResult;

    public sealed record Invalid(IReadOnlyList<FieldError> Errors) : QueueIntakeResult;

    /// <summary>Valid, but the queue could not take it now (storage unavailable): offer it again, with the same key.</summary>
    public sealed record NotQueued(string Reason) : QueueIntakeResult;
}
