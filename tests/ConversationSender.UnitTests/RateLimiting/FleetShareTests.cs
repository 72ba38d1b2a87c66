using ConversationSender.RateLimiting;
using ConversationSender.RateSimulation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ConversationSender.UnitTests.RateLimiting;

public sealed class FleetShareTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RateBudgetOptions _options = new();

    [Fact]
    public async Task Alone_an_instance_takes_every_partition_but_the_reserve()
    {
        var store = new InMemoryRateBudgetStore(_time);
        var (budget, share) = Instance(store);

        await share.RebalanceAsync(CancellationToken.None);

        Assert.Equal(_options.RateBudgetPartitions - _options.ReservedPartitions, share.Held);
        Assert.Equal(share.Held * _options.PartitionRate, budget.Ceiling, 6);
        budget.Dispose();
    }

    [Fact]
    public async Task Three_instances_share_the_partitions_and_never_hold_more_than_the_budget()
    {
        var store = new InMemoryRateBudgetStore(_time);
        var fleet = Enumerable.Range(0, 3).Select(_ => Instance(store)).ToList();

        for (var round = 0; round < 5; round++)
        {
            foreach (var (_, share) in fleet)
            {
                await share.RebalanceAsync(CancellationToken.None);
            }

            _time.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.All(fleet, i => Assert.InRange(i.Share.Held, 31, 32));
        Assert.InRange(fleet.Sum(i => i.Budget.Ceiling), 0, _options.RequestsPerSecondBudget);
        Assert.Equal(fleet.Sum(i => i.Share.Held), store.LeasedCount("partitions/"));
        fleet.ForEach(i => i.Budget.Dispose());
    }

    [Fact]
    public async Task An_unreachable_store_falls_back_to_the_static_share_and_recovers()
    {
        var store = new InMemoryRateBudgetStore(_time);
        var (budget, share) = Instance(store);
        await share.RebalanceAsync(CancellationToken.None);

        store.Unreachable = true;
        await share.RebalanceAsync(CancellationToken.None);

        Assert.True(share.InFallback);
        Assert.Equal(_options.StaticShare, budget.Ceiling, 6);

        store.Unreachable = false;
        await share.RebalanceAsync(CancellationToken.None);

        Assert.False(share.InFallback);
        Assert.Equal(share.Held * _options.PartitionRate, budget.Ceiling, 6);
        Assert.True(share.Held > 0);
        budget.Dispose();
    }

    [Fact]
    public async Task An_idle_instance_gives_its_partitions_back_and_leaves_the_count()
    {
        var store = new InMemoryRateBudgetStore(_time);
        var (budget, share) = Instance(store);
        await share.RebalanceAsync(CancellationToken.None);

        _time.Advance(_options.RateBudgetIdleAfter);
        await share.RebalanceAsync(CancellationToken.None);

        Assert.Equal(0, share.Held);
        Assert.Equal(0, budget.Ceiling);
        Assert.Equal(0, store.LeasedCount("partitions/"));
        Assert.Equal(0, store.LeasedCount("instances/"));
        budget.Dispose();
    }

    [Fact]
    public void The_static_share_is_the_budget_over_max_instances_and_sending_groups() =>
        Assert.Equal(750.0 / 40 / 2, new RateBudgetOptions().StaticShare, 6);

    [Fact]
    public async Task Alone_with_the_largest_partition_count_an_instance_takes_and_renews_them_16_requests_at_a_time()
    {
        // The template's count for 1,000 instances. One request at a time, at 10 ms each, the renewals would take
        // longer than the 15 s lease they renew.
        var options = new RateBudgetOptions { RateBudgetPartitions = 2_000 };
        var store = new RequestsInFlight(new InMemoryRateBudgetStore(_time));
        using var budget = new SendBudget(_time, options.RequestsPerSecondBudget, adaptive: true);
        budget.TryAcquire(SendPriority.Backlog);
        var share = new FleetShare(store, budget, options, _time, NullLogger<FleetShare>.Instance, random: new Random(7));

        await share.RebalanceAsync(CancellationToken.None);
        var taken = (store.Requests, store.MostAtOnce);
        _time.Advance(options.RateBudgetLeaseDuration / 2);
        store.Reset();
        await share.RebalanceAsync(CancellationToken.None);

        Assert.Equal(2_000 - options.ReservedPartitions, share.Held);
        Assert.Equal(16, taken.MostAtOnce);
        Assert.Equal(16, store.MostAtOnce);
        Assert.Equal(2_000 - options.ReservedPartitions, store.Renewals);
    }

    [Fact]
    public async Task Leaving_lowers_the_rate_to_zero_before_the_first_partition_is_released()
    {
        using var budget = new SendBudget(_time, _options.RequestsPerSecondBudget, adaptive: true);
        budget.TryAcquire(SendPriority.Backlog);
        var ceilingAtEachRelease = new List<double>();
        var store = new RequestsInFlight(new InMemoryRateBudgetStore(_time)) { OnRelease = () => ceilingAtEachRelease.Add(budget.Ceiling) };
        var share = new FleetShare(store, budget, _options, _time, NullLogger<FleetShare>.Instance, random: new Random(7));
        await share.RebalanceAsync(CancellationToken.None);

        await share.LeaveAsync(CancellationToken.None);

        Assert.Equal(_options.RateBudgetPartitions - _options.ReservedPartitions + 1, ceilingAtEachRelease.Count);
        Assert.All(ceilingAtEachRelease, ceiling => Assert.Equal(0, ceiling));
    }

    private (SendBudget Budget, FleetShare Share) Instance(InMemoryRateBudgetStore store)
    {
        var budget = new SendBudget(_time, _options.RequestsPerSecondBudget, adaptive: true);

        // Busy: a send asked for the budget just now.
        budget.TryAcquire(SendPriority.Backlog);
        return (budget, new FleetShare(store, budget, _options, _time, NullLogger<FleetShare>.Instance, random: new Random(7)));
    }
}

/// <summary>Passes every request on after a yield, so that requests started together overlap, and counts them.</summary>
internal sealed class RequestsInFlight(IRateBudgetStore inner) : IRateBudgetStore
{
    private int _inFlight;

    public int Requests { get; private set; }

    public int Renewals { get; private set; }

    public int MostAtOnce { get; private set; }

    public Action? OnRelease { get; init; }

    public void Reset() => (Requests, Renewals, MostAtOnce) = (0, 0, 0);

    public ValueTask<IReadOnlyList<RateBudgetEntry>> ReadAsync(CancellationToken cancellationToken) => inner.ReadAsync(cancellationToken);

    public ValueTask<bool> TryAcquireAsync(string name, string leaseId, TimeSpan duration, CancellationToken cancellationToken) =>
        Overlapping(() => inner.TryAcquireAsync(name, leaseId, duration, cancellationToken));

    public ValueTask<bool> RenewAsync(string name, string leaseId, CancellationToken cancellationToken)
    {
        Renewals += name.StartsWith("partitions/", StringComparison.Ordinal) ? 1 : 0;
        return Overlapping(() => inner.RenewAsync(name, leaseId, cancellationToken));
    }

    public async ValueTask ReleaseAsync(string name, string leaseId, CancellationToken cancellationToken)
    {
        OnRelease?.Invoke();
        await Overlapping(async () =>
        {
            await inner.ReleaseAsync(name, leaseId, cancellationToken);
            return true;
        });
    }

    public ValueTask DeleteUnleasedAsync(string name, CancellationToken cancellationToken) => inner.DeleteUnleasedAsync(name, cancellationToken);

    private async ValueTask<bool> Overlapping(Func<ValueTask<bool>> request)
    {
        Requests++;
        MostAtOnce = Math.Max(MostAtOnce, Interlocked.Increment(ref _inFlight));
        await Task.Yield();
        var answer = await request();
        Interlocked.Decrement(ref _inFlight);
        return answer;
    }
}
