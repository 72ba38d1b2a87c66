using System.Threading.RateLimiting;
using ConversationSender.Telemetry;

namespace ConversationSender.RateLimiting;

/// <summary>
/// This instance's token bucket towards Sinch: it refills at the instance's rate, which is its part of the fleet budget
/// (<see cref="SetCeiling"/>, set by <see cref="FleetShare"/>) cut, after a 429, by <see cref="AdaptiveRate"/>. Waiting
/// callers (<see cref="SendPriority.Caller"/>) are served before a waiting backlog. All time comes from the
/// <see cref="TimeProvider"/>, so a virtual clock drives it in tests and the simulation.
/// </summary>
public sealed class SendBudget : IDisposable
{
    // A quiet bucket holds a tenth of a second's worth at most, so a second's sends stay close to the rate.
    private const double BurstSeconds = 0.1;
    private const int QueueLimit = 100_000;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly double _budget;
    private readonly AdaptiveRate? _adaptive;
    private readonly RateBudgetMetrics? _metrics;
    private readonly LinkedList<BudgetWaiter>[] _waiters = [new(), new()];
    private ITimer? _timer;
    private double _ceiling;
    private double _tokens;
    private long _refilledAt;
    private long _lastDemandAt;
    private bool _disposed;

    public SendBudget(TimeProvider time, double budget, bool adaptive, RateBudgetMetrics? metrics = null)
    {
        _time = time;
        _budget = budget;
        _adaptive = adaptive ? new AdaptiveRate() : null;
        _metrics = metrics;
        _refilledAt = _lastDemandAt = time.GetTimestamp();
        Limiters = [new PriorityRateLimiter(this, SendPriority.Caller), new PriorityRateLimiter(this, SendPriority.Backlog)];
    }

    /// <summary>Raised when a send starts waiting while the instance holds no rate at all: worth taking a share now.</summary>
    public event Action? Starved;

    /// <summary>The rate the fleet share allows this instance.</summary>
    public double Ceiling
    {
        get { lock (_gate) { return _ceiling; } }
    }

    /// <summary>The rate the bucket refills at now: the ceiling, or less after a 429.</summary>
    public double CurrentRate
    {
        get { lock (_gate) { return RateLocked(); } }
    }

    public int Waiting
    {
        get { lock (_gate) { return _waiters[0].Count + _waiters[1].Count; } }
    }

    private RateLimiter[] Limiters { get; }

    /// <summary>The <see cref="RateLimiter"/> one kind of send acquires from (the resilience pipeline's rate limiter slot).</summary>
    public RateLimiter Limiter(SendPriority priority) => Limiters[(int)priority];

    /// <summary>True while sends asked for the budget within <paramref name="idleAfter"/> or are waiting for it.</summary>
    public bool IsBusy(TimeSpan idleAfter)
    {
        lock (_gate)
        {
            return _waiters[0].Count + _waiters[1].Count > 0 || _time.GetElapsedTime(_lastDemandAt) < idleAfter;
        }
    }

    /// <summary>
    /// The first ceiling, with a full bucket, as a token bucket starts (System.Threading.RateLimiting's does too): a
    /// fresh instance's first sends do not wait for a refill, and a clock that stands still (a test's) cannot starve it.
    /// </summary>
    public void Start(double perSecond)
    {
        SetCeiling(perSecond);
        lock (_gate)
        {
            _tokens = Capacity();
        }
    }

    public void SetCeiling(double perSecond)
    {
        List<BudgetWaiter>? granted;
        lock (_gate)
        {
            Refill();
            _ceiling = Math.Max(0, perSecond);
            _tokens = Math.Min(_tokens, Capacity());
            granted = GrantLocked();
            ReportLocked();
        }

        Complete(granted);
    }

    /// <summary>Takes a token if one is at hand and no send of the same or a higher priority waits.</summary>
    public bool TryAcquire(SendPriority priority)
    {
        lock (_gate)
        {
            _lastDemandAt = _time.GetTimestamp();
            Refill();
            if (!AheadLocked(priority) && _tokens >= 1)
            {
                _tokens -= 1;
                return true;
            }

            return false;
        }
    }

    /// <summary>Waits for a token (callers first); false when too many sends wait already.</summary>
    public ValueTask<bool> AcquireAsync(SendPriority priority, CancellationToken cancellationToken)
    {
        if (TryAcquire(priority))
        {
            return ValueTask.FromResult(true);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new BudgetWaiter(priority, _time.GetTimestamp());
        bool starved;
        lock (_gate)
        {
            if (_waiters[0].Count + _waiters[1].Count >= QueueLimit)
            {
                return ValueTask.FromResult(false);
            }

            waiter.Node = _waiters[(int)priority].AddLast(waiter);
            starved = RateLocked() <= 0;
            ScheduleLocked();
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) =>
            {
                var (budget, w) = ((SendBudget, BudgetWaiter))state!;
                budget.Cancel(w, token);
            }, (this, waiter));
        }

        if (starved)
        {
            Starved?.Invoke();
        }

        return new ValueTask<bool>(waiter.Completion.Task);
    }

    /// <summary>Notes Sinch's answer to an attempt: a 429 cuts this instance's rate, later answers let it grow back.</summary>
    public void Answered(bool throttled)
    {
        if (throttled)
        {
            _metrics?.Throttled();
        }

        if (_adaptive is null)
        {
            return;
        }

        lock (_gate)
        {
            Refill();
            _adaptive.Answered(throttled, Seconds(_time.GetTimestamp()), _ceiling, _budget > 0 ? _ceiling / _budget : 1);
            _tokens = Math.Min(_tokens, Capacity());
            ScheduleLocked();
            ReportLocked();
        }
    }

    public void Dispose()
    {
        List<BudgetWaiter> abandoned;
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            abandoned = [.. _waiters[0], .. _waiters[1]];
            _waiters[0].Clear();
            _waiters[1].Clear();
        }

        foreach (var waiter in abandoned)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetResult(false);
        }
    }

    private double RateLocked() => _adaptive?.Limit is { } cut ? Math.Min(cut, _ceiling) : _ceiling;

    private double Capacity() => RateLocked() is > 0 and var rate ? Math.Max(1, rate * BurstSeconds) : 0;

    private bool AheadLocked(SendPriority priority) =>
        _waiters[0].Count > 0 || (priority == SendPriority.Backlog && _waiters[1].Count > 0);

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = (now - _refilledAt) / (double)_time.TimestampFrequency;
        _refilledAt = now;
        _tokens = Math.Min(Capacity(), _tokens + (elapsed * RateLocked()));
    }

    private double Seconds(long timestamp) => timestamp / (double)_time.TimestampFrequency;

    private List<BudgetWaiter>? GrantLocked()
    {
        List<BudgetWaiter>? granted = null;
        foreach (var queue in _waiters)
        {
            while (queue.First is { } first && _tokens >= 1)
            {
                _tokens -= 1;
                queue.RemoveFirst();
                (granted ??= []).Add(first.Value);
            }
        }

        ScheduleLocked();
        return granted;
    }

    private void ScheduleLocked()
    {
        var rate = RateLocked();
        if (_disposed || _waiters[0].Count + _waiters[1].Count == 0 || rate <= 0)
        {
            return;
        }

        var due = TimeSpan.FromSeconds(Math.Max(0.001, (1 - _tokens) / rate));
        _timer ??= _time.CreateTimer(static state => ((SendBudget)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        List<BudgetWaiter>? granted;
        lock (_gate)
        {
            Refill();
            granted = GrantLocked();
        }

        Complete(granted);
    }

    private void Complete(List<BudgetWaiter>? granted)
    {
        if (granted is null)
        {
            return;
        }

        var now = _time.GetTimestamp();
        foreach (var waiter in granted)
        {
            waiter.Registration.Dispose();
            _metrics?.Waited(_time.GetElapsedTime(waiter.EnqueuedAt, now), waiter.Priority == SendPriority.Caller ? "caller" : "backlog");
            waiter.Completion.TrySetResult(true);
        }
    }

    private void Cancel(BudgetWaiter waiter, CancellationToken token)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null)
            {
                return;
            }

            waiter.Node.List.Remove(waiter.Node);
        }

        waiter.Completion.TrySetCanceled(token);
    }

    private void ReportLocked() => _metrics?.RateSet(RateLocked(), _budget > 0 ? RateLocked() / _budget : 0);
}
