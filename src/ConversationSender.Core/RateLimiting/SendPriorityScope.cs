namespace ConversationSender.RateLimiting;

/// <summary>
/// The priority of the sends made in the current asynchronous flow: <see cref="SendPriority.Caller"/> unless the
/// flow was marked <see cref="SendPriority.Backlog"/>. Ambient, because the kind of send is known where it starts (the
/// queue processor) and used at the rate limiter, several calls down, by code that is the same for both kinds.
/// </summary>
public static class SendPriorityScope
{
    private static readonly AsyncLocal<SendPriority> Ambient = new();

    public static SendPriority Current => Ambient.Value;

    /// <summary>Marks the sends of this flow until the returned scope is disposed.</summary>
    public static IDisposable Enter(SendPriority priority)
    {
        var previous = Ambient.Value;
        Ambient.Value = priority;
        return new Restore(previous);
    }

    private sealed class Restore(SendPriority previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
