using System.Diagnostics.Metrics;

namespace ConversationSender.Telemetry;

/// <summary>
/// The fleet budget's instruments, on the sender's meter (<see cref="SenderMetrics.MeterName"/>): this instance's rate
/// and its share of the budget, Sinch's 429s, the time sends wait for the budget, store operations and fallbacks.
/// </summary>
public sealed class RateBudgetMetrics
{
    private readonly Counter<long> _throttled;
    private readonly Histogram<double> _wait;
    private readonly Counter<long> _operations;
    private readonly Counter<long> _fallbacks;
    private double _rate;
    private double _share;
    private int _fallback;

    public RateBudgetMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(SenderMetrics.MeterName);
        meter.CreateObservableGauge("conversation_sender.rate_budget.rate", () => Volatile.Read(ref _rate), "{request}/s",
            "The rate this instance may send at now: its partitions of the fleet budget, cut after a 429, or the static share in fallback.");
        meter.CreateObservableGauge("conversation_sender.rate_budget.share", () => Volatile.Read(ref _share), "1",
            "This instance's share of the fleet budget (0 to 1).");
        meter.CreateObservableGauge("conversation_sender.rate_budget.fallback", () => Volatile.Read(ref _fallback), "1",
            "1 while the budget's leases cannot be read and the instance sends at the static share, else 0.");
        _throttled = meter.CreateCounter<long>("conversation_sender.rate_budget.throttled", "{answer}",
            "Sinch answers 429 (too many requests) seen by this instance.");
        _wait = meter.CreateHistogram<double>("conversation_sender.rate_budget.wait", "s",
            "Time a send waited for the budget before its attempt, by priority (caller, backlog).");
        _operations = meter.CreateCounter<long>("conversation_sender.rate_budget.store_operations", "{operation}",
            "Requests to the budget's lease store (storage), by kind (read, acquire, renew, release, delete).");
        _fallbacks = meter.CreateCounter<long>("conversation_sender.rate_budget.fallbacks", "{event}",
            "Times the instance fell back to the static share because the lease store could not be reached.");
    }

    public void RateSet(double perSecond, double shareOfBudget)
    {
        Volatile.Write(ref _rate, perSecond);
        Volatile.Write(ref _share, shareOfBudget);
    }

    public void Throttled() => _throttled.Add(1);

    public void Waited(TimeSpan wait, string priority) => _wait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("priority", priority));

    public void StoreOperation(string kind) => _operations.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void FallbackChanged(bool inFallback)
    {
        Volatile.Write(ref _fallback, inFallback ? 1 : 0);
        if (inFallback)
        {
            _fallbacks.Add(1);
        }
    }
}
