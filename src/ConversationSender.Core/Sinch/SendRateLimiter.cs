using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ConversationSender.Sinch;

/// <summary>
/// One token bucket per instance for all sends (retries included), so that instances × rate stays under
/// Sinch's project limit. Sends wait for a token rather than fail, within the send's total timeout.
/// </summary>
public sealed class SendRateLimiter : IDisposable
{
    private readonly RateLimiter? _limiter;

    public SendRateLimiter(IOptions<SinchOptions> options)
    {
        var perSecond = options.Value.MaxSendsPerSecond;
        if (perSecond > 0)
        {
            // Whole tokens refilled at least 100 ms apart, the period stretched so that the rate is exact (15/s: 2 every
            // 133 ms, not 2 every 100 ms; 0.75/s: 1 every 1.33 s). A burst after a quiet second is one second's worth.
            var tokensPerPeriod = (int)Math.Ceiling(perSecond / 10.0);
            _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(tokensPerPeriod, (int)perSecond),
                TokensPerPeriod = tokensPerPeriod,
                ReplenishmentPeriod = TimeSpan.FromSeconds(tokensPerPeriod / perSecond),
                QueueLimit = 100_000,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }
    }

    public bool IsEnabled => _limiter is not null;

    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken) =>
        _limiter is null ? ValueTask.FromResult<RateLimitLease>(NoLimit.Lease) : _limiter.AcquireAsync(1, cancellationToken);

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
