namespace ConversationSender.Sandbox;

/// <summary>
/// Tells the page's event stream that something it shows changed (a capture, an outcome, a delivery report, a fault,
/// the message list), so it pushes instead of the browser polling.
/// </summary>
internal sealed class ChangeFeed
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;

    public long Version => Interlocked.Read(ref _version);

    public void Notify()
    {
        Interlocked.Increment(ref _version);
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Completes once the version differs from <paramref name="seen"/>.</summary>
    public Task WaitAsync(long seen, CancellationToken cancellationToken)
    {
        // Read the signal before the version: a change between the two completes the signal read here.
        var next = Volatile.Read(ref _next);
        return Version != seen ? Task.CompletedTask : next.Task.WaitAsync(cancellationToken);
    }
}
