namespace ConversationSender.RateLimiting;

/// <summary>A send waiting in <see cref="SendBudget"/>'s queue of its priority, until a token or its cancellation.</summary>
internal sealed class BudgetWaiter(SendPriority priority, long enqueuedAt)
{
    public SendPriority Priority { get; } = priority;

    public long EnqueuedAt { get; } = enqueuedAt;

    public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LinkedListNode<BudgetWaiter>? Node { get; set; }

    public CancellationTokenRegistration Registration { get; set; }
}
