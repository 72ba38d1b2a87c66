namespace ConversationSender.RateLimiting;

/// <summary>
/// One instance's cut on Sinch's 429, as the AWS SDKs' adaptive retry mode does it (botocore <c>retries/adaptive.py</c>
/// and <c>retries/throttling.py</c>): a 429 drops the rate to β × the rate measured, then it grows back along CUBIC's
/// curve, reaching the rate it was cut at after K seconds and probing beyond it slowly. Never above twice the measured
/// rate nor below a floor; one cut per second at most. Disengages once it is back above the fleet share: then the share alone rules.
/// Not thread-safe: <see cref="SendBudget"/> calls it under its lock. Times are seconds on any monotonic clock.
/// </summary>
public sealed class AdaptiveRate
{
    private const double Beta = 0.7;
    private const double Scale = 0.4;
    private const double Floor = 0.5;
    private const double MaxOverMeasured = 2.0;
    private const double Smoothing = 0.8;
    private const double BucketsPerSecond = 2;

    // The 429s of one congestion event arrive together (every request in flight when the limit was reached): they
    // cut once, as TCP cuts once per round trip, not once each (which would take the rate to the floor).
    private const double CutSpacing = 1.0;

    private double _wMax;
    private double _k;
    private double _lastThrottledAt;
    private double _measured;
    private double _bucket;
    private long _count;
    private bool _measuring;

    /// <summary>The cut's current rate, or null while no recent 429 holds the instance below its share.</summary>
    public double? Limit { get; private set; }

    /// <summary>The instance's sending rate as measured in half-second buckets, smoothed.</summary>
    public double MeasuredRate => _measured;

    /// <summary>
    /// Notes one answer from Sinch at <paramref name="now"/>; <paramref name="ceiling"/> is the rate the instance may use
    /// otherwise, <paramref name="share"/> its part of the fleet budget (0 to 1).
    /// </summary>
    /// <remarks>
    /// CUBIC's constant is for one client. The fleet's instances are cut by the same congestion, so each grows back at
    /// its share of it: together they probe as one client would, not forty times as fast (which keeps 429s coming).
    /// </remarks>
    public void Answered(bool throttled, double now, double ceiling, double share = 1)
    {
        var scale = Scale * Math.Clamp(share, 0.001, 1);
        // Before a first half-second is measured, the rate allowed stands for the rate sent.
        var measured = Measure(now) is > 0 and var m ? m : ceiling;
        double next;
        if (throttled && Limit is not null && now - _lastThrottledAt < CutSpacing)
        {
            return;
        }

        if (throttled)
        {
            var rate = Limit is { } limit ? Math.Min(measured, limit) : Math.Min(measured, ceiling);
            _wMax = rate;
            _k = Math.Cbrt(_wMax * (1 - Beta) / scale);
            _lastThrottledAt = now;
            next = rate * Beta;
        }
        else if (Limit is null)
        {
            return;
        }
        else
        {
            var t = now - _lastThrottledAt - _k;
            next = (scale * t * t * t) + _wMax;
        }

        next = Math.Max(Floor, Math.Min(next, MaxOverMeasured * measured));
        Limit = next >= ceiling ? null : next;
    }

    private double Measure(double now)
    {
        var bucket = Math.Floor(now * BucketsPerSecond) / BucketsPerSecond;
        if (!_measuring)
        {
            _measuring = true;
            _bucket = bucket;
        }

        _count++;
        if (bucket > _bucket)
        {
            var rate = _count / (bucket - _bucket);
            _measured = (rate * Smoothing) + (_measured * (1 - Smoothing));
            _count = 0;
            _bucket = bucket;
        }

        return _measured;
    }
}
