using System.Collections.Concurrent;

namespace ConversationSender.Sandbox;

/// <summary>
/// Sinch's project limit as the sandbox plays it (fault switch <c>global_rate_limit</c>): at most
/// <see cref="PerSecond"/> sends are taken per clock second, the rest answered 429. It also counts, per second, every
/// send it saw and every one it refused, so a test can read the busiest second and the share of 429s.
/// </summary>
public sealed class GlobalRateLimit(int perSecond, TimeProvider time)
{
    private readonly ConcurrentDictionary<long, (int Seen, int Refused)> _seconds = new();

    public int PerSecond { get; } = perSecond;

    /// <summary>Sends seen and refused, by Unix second.</summary>
    public IReadOnlyDictionary<long, (int Seen, int Refused)> Seconds => _seconds;

    /// <summary>Counts the send; false when its second has had <see cref="PerSecond"/> sends taken already.</summary>
    public bool TryTake()
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        var refused = false;
        _seconds.AddOrUpdate(second, (1, 0), (_, c) =>
        {
            refused = c.Seen - c.Refused >= PerSecond;
            return (c.Seen + 1, c.Refused + (refused ? 1 : 0));
        });
        return !refused;
    }
}
