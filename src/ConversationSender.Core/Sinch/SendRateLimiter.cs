using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ConversationSender.Sinch;

/// <summary>
/// One token bucket per instance for all sends (retries included), so that instances × rate stays under
/// Sinch's project limit. Sends wait for a token rather than fail, within the send's total timeout.
/// </summary>
public sealed class SendRateLimiter(IOptions<SinchOptions> options) : IDisposable
{
    // The bucket refills on its own timer, from the real clock (System.Threading.RateLimiting takes no TimeProvider).
    private readonly TokenBucketRateLimiter? _limiter = options.Value.MaxSendsPerSecond > 0 ? new(BucketFor(options.Value.MaxSendsPerSecond)) : null;

    public bool IsEnabled => _limiter is not null;

    /// <summary>
    /// Whole tokens refilled at least 100 ms apart, the period stretched so that the rate is exact (15/s: 2 every
    /// 133 ms, not 2 every 100 ms; 0.75/s: 1 every 1.33 s). A burst after a quiet second is one second's worth.
    /// </summary>
    internal static TokenBucketRateLimiterOptions BucketFor(double perSecond)
    {
        var tokensPerPeriod = (int)Math.Ceiling(perSecond / 10.0);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(tokensPerPeriod, (int)perSecond),
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokensPerPeriod / perSecond),
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        };
    }

    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken) =>
        _limiter is null ? ValueTask.FromResult<RateLimitLease>(NoLimit.Lease) : _limiter.AcquireAsync(1, cancellationToken);

    /// <summary>Tokens available now (for tests and diagnostics).</summary>
    public long AvailableTokens => _limiter?.GetStatistics()?.CurrentAvailablePermits ?? long.MaxValue;

    public void Dispose() => _limiter?.Dispose();

    private sealed class NoLimit : RateLimitLease
    {
        public static readonly NoLimit Lease = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
