using ConversationSender.RateLimiting;

namespace ConversationSender.RateSimulation;

/// <summary>
/// The lease store in memory, with blob leases' rules: one holder at a time, a lease runs out after its duration on
/// the given clock, an expired lease may be renewed by its holder until someone else takes it. Counts its requests.
/// <see cref="Unreachable"/> makes every request fail as an unreachable storage account does.
/// </summary>
public sealed class InMemoryRateBudgetStore(TimeProvider time) : IRateBudgetStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Lease> _entries = new(StringComparer.Ordinal);

    public bool Unreachable { get; set; }

    public long Requests { get; private set; }

    public ValueTask<IReadOnlyList<RateBudgetEntry>> ReadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter();
            var now = time.GetUtcNow();
            IReadOnlyList<RateBudgetEntry> entries = [.. _entries.Select(e => new RateBudgetEntry(e.Key, e.Value.IsHeld(now)))];
            return ValueTask.FromResult(entries);
        }
    }

    public ValueTask<bool> TryAcquireAsync(string name, string leaseId, TimeSpan duration, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter();
            var now = time.GetUtcNow();
            if (_entries.TryGetValue(name, out var lease) && lease.IsHeld(now) && lease.Id != leaseId)
            {
                return ValueTask.FromResult(false);
            }

            _entries[name] = new Lease(leaseId, duration, now + duration);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<bool> RenewAsync(string name, string leaseId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter();
            if (!_entries.TryGetValue(name, out var lease) || lease.Id != leaseId)
            {
                return ValueTask.FromResult(false);
            }

            _entries[name] = lease with { Until = time.GetUtcNow() + lease.Duration };
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask ReleaseAsync(string name, string leaseId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter();
            if (_entries.TryGetValue(name, out var lease) && lease.Id == leaseId)
            {
                _entries[name] = lease with { Id = null };
            }

            return ValueTask.CompletedTask;
        }
    }

    public ValueTask DeleteUnleasedAsync(string name, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enter();
            if (_entries.TryGetValue(name, out var lease) && !lease.IsHeld(time.GetUtcNow()))
            {
                _entries.Remove(name);
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Names leased now, for assertions.</summary>
    public int LeasedCount(string prefix)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            return _entries.Count(e => e.Key.StartsWith(prefix, StringComparison.Ordinal) && e.Value.IsHeld(now));
        }
    }

    private void Enter()
    {
        Requests++;
        if (Unreachable)
        {
            throw new HttpRequestException("The storage account cannot be reached (simulated).");
        }
    }

    private sealed record Lease(string? Id, TimeSpan Duration, DateTimeOffset Until)
    {
        public bool IsHeld(DateTimeOffset now) => Id is not null && Until > now;
    }
}
