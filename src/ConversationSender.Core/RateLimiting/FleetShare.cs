using System.Globalization;
using ConversationSender.Telemetry;
using Microsoft.Extensions.Logging;

namespace ConversationSender.RateLimiting;

/// <summary>
/// This instance's part of the fleet budget. The budget is cut into partitions, one lease each in the store; the
/// instance sends at the sum of the partitions it holds. While busy, it announces itself (a lease of its own), and on
/// each rebalance reads the store once, counts the busy instances and takes or gives back partitions to hold its fair
/// share (the partitions, less a small reserve for newcomers, divided by the busy instances). Alone, it holds them all
/// but the reserve; an instance that dies loses its leases when they run out. Exclusive leases keep the fleet within
/// the budget whatever the count says. If the store cannot be reached, the instance sends at the static share.
/// Not thread-safe: one loop (<see cref="FleetShareService"/>, or the simulation) calls <see cref="RebalanceAsync"/>.
/// </summary>
public sealed partial class FleetShare
{
    private const string PartitionPrefix = "partitions/";
    private const string InstancePrefix = "instances/";

    // Store requests of one rebalance go out this many at a time. One at a time, an instance alone with 2,000
    // partitions (the template's count for 1,000 instances) needs ~20 s at 10 ms a request to renew them: longer than
    // the lease. 16 keeps it near 1 s without a burst the storage account would notice.
    private const int ConcurrentRequests = 16;

    // A lease counts as ours until this long before the store can give it to someone else: clocks and the request's
    // own time never let two holders send on one partition at once.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    private readonly IRateBudgetStore _store;
    private readonly SendBudget _budget;
    private readonly RateBudgetOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RateBudgetMetrics? _metrics;
    private readonly Random _random;
    private readonly string _presence = InstancePrefix + Guid.NewGuid().ToString("N");
    private readonly string _leaseId = Guid.NewGuid().ToString();
    private readonly Dictionary<int, DateTimeOffset> _held = [];
    private DateTimeOffset? _presentUntil;

    public FleetShare(IRateBudgetStore store, SendBudget budget, RateBudgetOptions options, TimeProvider time, ILogger<FleetShare> logger, RateBudgetMetrics? metrics = null, Random? random = null)
    {
        _store = store;
        _budget = budget;
        _options = options;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _random = random ?? Random.Shared;
    }

    /// <summary>Partitions this instance holds now.</summary>
    public int Held => _held.Count;

    /// <summary>Busy instances the last read counted (this one included).</summary>
    public int BusyInstances { get; private set; }

    /// <summary>True while the store cannot be reached and the instance sends at the static share.</summary>
    public bool InFallback { get; private set; }

    /// <summary>Requests made to the store so far (reads, acquisitions, renewals, releases, deletions).</summary>
    public long Operations { get; private set; }

    /// <summary>Takes or gives back partitions to hold this instance's fair share; renews what it keeps.</summary>
    public async ValueTask RebalanceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        ForgetExpired(now);
        try
        {
            if (!_budget.IsBusy(_options.RateBudgetIdleAfter))
            {
                await LeaveAsync(cancellationToken);
                return;
            }

            await StayPresentAsync(now, cancellationToken);
            await RenewAsync(now, cancellationToken);
            var entries = await Count("read", _store.ReadAsync(cancellationToken));
            await ShareOutAsync(entries, cancellationToken);
            Recovered();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            FallBack(e);
        }
    }

    /// <summary>Gives every partition back and leaves the count (shutdown).</summary>
    public async ValueTask LeaveAsync(CancellationToken cancellationToken)
    {
        await GiveBackAsync([.. _held.Keys], cancellationToken);
        if (_presentUntil is not null)
        {
            _presentUntil = null;
            await Count("release", _store.ReleaseAsync(_presence, _leaseId, cancellationToken));
        }
    }

    private async ValueTask ShareOutAsync(IReadOnlyList<RateBudgetEntry> entries, CancellationToken cancellationToken)
    {
        var leased = new HashSet<int>();
        var busy = 0;
        string? dead = null;
        foreach (var entry in entries)
        {
            if (entry.Name.StartsWith(InstancePrefix, StringComparison.Ordinal))
            {
                busy += entry.Leased ? 1 : 0;
                dead = !entry.Leased && entry.Name != _presence ? entry.Name : dead;
            }
            else if (entry.Leased && TryParsePartition(entry.Name, out var partition))
            {
                leased.Add(partition);
            }
        }

        BusyInstances = Math.Max(1, busy);
        var shared = _options.RateBudgetPartitions - _options.ReservedPartitions;
        var least = shared / BusyInstances;
        var most = (shared + BusyInstances - 1) / BusyInstances;

        if (_held.Count > most)
        {
            await GiveBackAsync([.. _held.Keys.Take(_held.Count - most)], cancellationToken);
        }
        else if (_held.Count < most)
        {
            var free = Enumerable.Range(0, _options.RateBudgetPartitions).Where(p => !leased.Contains(p) && !_held.ContainsKey(p)).ToArray();
            _random.Shuffle(free);

            // Up to the least share from anything free (the reserve included); beyond it, only what the reserve leaves.
            // A few more tries than wanted: another instance may take a free one first. Never more requests than wanted
            // at once, so never more partitions than the share.
            var wanted = Math.Max(least - _held.Count, Math.Min(most - _held.Count, free.Length - _options.ReservedPartitions));
            var tries = Math.Min(free.Length, wanted + 2);
            for (var next = 0; wanted > 0 && next < tries;)
            {
                int[] wave = [.. free.AsSpan(next, Math.Min(Math.Min(wanted, tries - next), ConcurrentRequests))];
                next += wave.Length;
                var asked = _time.GetUtcNow();
                var taken = await EachAsync(wave, p => Count("acquire", _store.TryAcquireAsync(PartitionName(p), _leaseId, _options.RateBudgetLeaseDuration, cancellationToken)));
                foreach (var partition in wave.Where((_, i) => taken[i]))
                {
                    _held[partition] = asked + _options.RateBudgetLeaseDuration;
                    wanted--;
                }
            }
        }

        SetRate();
        if (dead is not null)
        {
            await Count("delete", _store.DeleteUnleasedAsync(dead, cancellationToken));
        }
    }

    private async ValueTask StayPresentAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_presentUntil is { } until && until - now > _options.RateBudgetLeaseDuration / 2)
        {
            return;
        }

        var renewed = _presentUntil is not null && await Count("renew", _store.RenewAsync(_presence, _leaseId, cancellationToken));
        if (renewed || await Count("acquire", _store.TryAcquireAsync(_presence, _leaseId, _options.RateBudgetLeaseDuration, cancellationToken)))
        {
            _presentUntil = now + _options.RateBudgetLeaseDuration;
        }
    }

    private async ValueTask RenewAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        int[] due = [.. _held.Where(p => p.Value - now <= _options.RateBudgetLeaseDuration / 2).Select(p => p.Key)];
        var renewed = await EachAsync(due, p => Count("renew", _store.RenewAsync(PartitionName(p), _leaseId, cancellationToken)));
        for (var i = 0; i < due.Length; i++)
        {
            if (renewed[i])
            {
                _held[due[i]] = now + _options.RateBudgetLeaseDuration;
            }
            else
            {
                _held.Remove(due[i]);
            }
        }

        if (renewed.Contains(false))
        {
            SetRate();
        }
    }

    /// <summary>Lowers the rate first, so that no moment has a partition sent on by two instances, then lets them go.</summary>
    private async ValueTask GiveBackAsync(int[] partitions, CancellationToken cancellationToken)
    {
        foreach (var partition in partitions)
        {
            _held.Remove(partition);
        }

        SetRate();
        await EachAsync(partitions, async p =>
        {
            await Count("release", _store.ReleaseAsync(PartitionName(p), _leaseId, cancellationToken));
            return true;
        });
    }

    // One request per partition, ConcurrentRequests at a time; the answers in the partitions' order. Started from the
    // rebalance's one flow, so the counting in Count needs no lock.
    private static async ValueTask<bool[]> EachAsync(int[] partitions, Func<int, ValueTask<bool>> request)
    {
        var answers = new bool[partitions.Length];
        for (var start = 0; start < partitions.Length; start += ConcurrentRequests)
        {
            var wave = Enumerable.Range(start, Math.Min(ConcurrentRequests, partitions.Length - start));
            await Task.WhenAll(wave.Select(async i => answers[i] = await request(partitions[i])));
        }

        return answers;
    }

    private void ForgetExpired(DateTimeOffset now)
    {
        var expired = _held.Where(p => p.Value - Margin <= now).Select(p => p.Key).ToList();
        foreach (var partition in expired)
        {
            _held.Remove(partition);
        }

        if (expired.Count > 0 && !InFallback)
        {
            SetRate();
        }
    }

    private void SetRate() => _budget.SetCeiling(_held.Count * _options.PartitionRate);

    private void FallBack(Exception exception)
    {
        _held.Clear();
        _presentUntil = null;
        _budget.SetCeiling(_options.StaticShare);
        if (!InFallback)
        {
            InFallback = true;
            _metrics?.FallbackChanged(true);
            LogFallback(_logger, _options.StaticShare, exception);
        }
    }

    private void Recovered()
    {
        if (InFallback)
        {
            InFallback = false;
            _metrics?.FallbackChanged(false);
            LogRecovered(_logger, _held.Count * _options.PartitionRate);
        }
    }

    private async ValueTask<T> Count<T>(string kind, ValueTask<T> operation)
    {
        Operations++;
        _metrics?.StoreOperation(kind);
        return await operation;
    }

    private async ValueTask Count(string kind, ValueTask operation)
    {
        Operations++;
        _metrics?.StoreOperation(kind);
        await operation;
    }

    private static string PartitionName(int partition) => PartitionPrefix + partition.ToString("D4", CultureInfo.InvariantCulture);

    private static bool TryParsePartition(string name, out int partition)
    {
        partition = -1;
        return name.StartsWith(PartitionPrefix, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(PartitionPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out partition);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The fleet rate budget's leases cannot be read or taken: this instance sends at the static share of {Rate} requests/s until they can (check the storage account's blob endpoint and the app's access to it).")]
    private static partial void LogFallback(ILogger logger, double rate, Exception exception);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "The fleet rate budget's leases can be read again: this instance sends at its share ({Rate} requests/s) instead of the static share.")]
    private static partial void LogRecovered(ILogger logger, double rate);
}
