using System.Threading.RateLimiting;

namespace ConversationSender.RateLimiting;

/// <summary>
/// <see cref="SendBudget"/> seen as a <see cref="RateLimiter"/> for one kind of send, one permit per attempt, so it
/// fits the resilience pipeline's rate limiter slot. A refused acquisition means too many sends wait already.
/// </summary>
internal sealed class PriorityRateLimiter(SendBudget budget, SendPriority priority) : RateLimiter
{
    private static readonly RateLimitLease Acquired = new Lease(true);
    private static readonly RateLimitLease Refused = new Lease(false);

    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = 0,
        CurrentQueuedCount = budget.Waiting,
    };

    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        permitCount == 0 || budget.TryAcquire(priority) ? Acquired : Refused;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        permitCount == 0 || await budget.AcquireAsync(priority, cancellationToken) ? Acquired : Refused;

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
