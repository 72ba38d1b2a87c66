namespace ConversationSender.Sinch;

/// <summary>
/// The clock of the send pipeline's waits: attempt and total timeouts, retry delays and the circuit breaker's
/// windows. A type of its own, apart from the app's <see cref="TimeProvider"/> (key retention, claim age, token and
/// cache expiry), so that moving one clock in a test never freezes or fires the other.
/// </summary>
public sealed class ResilienceTime(TimeProvider provider)
{
    public TimeProvider Provider { get; } = provider;
}
