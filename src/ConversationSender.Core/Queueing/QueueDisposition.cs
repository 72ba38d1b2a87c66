namespace ConversationSender.Queueing;

/// <summary>What the queue trigger does with a message once <see cref="QueuedMessageProcessor"/> is done with it.</summary>
public abstract record QueueDisposition
{
    private QueueDisposition()
    {
    }

    /// <summary>Sent, dead-lettered, or a copy queued for a later attempt: the original can go.</summary>
    public sealed record Completed(string What) : QueueDisposition;

    /// <summary>Nothing could be written (storage down): the host must keep the message and deliver it again.</summary>
    public sealed record RetryByHost(string Reason) : QueueDisposition;
}
