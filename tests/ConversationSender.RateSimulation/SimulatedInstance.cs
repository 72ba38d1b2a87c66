using ConversationSender.RateLimiting;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConversationSender.RateSimulation;

/// <summary>One app instance with a backlog: the production <see cref="SendBudget"/> (and <see cref="FleetShare"/> for the lease strategy).</summary>
public sealed class SimulatedInstance : IDisposable
{
    private readonly TimeSpan _interval;
    private TimeSpan _nextRebalance;

    public SimulatedInstance(Strategy strategy, RateBudgetOptions options, TimeProvider time, IRateBudgetStore store, Random random, TimeSpan now)
    {
        Budget = new SendBudget(time, options.RequestsPerSecondBudget, adaptive: strategy != Strategy.StaticShare);
        _interval = options.RateBudgetRebalanceInterval;
        switch (strategy)
        {
            case Strategy.StaticShare:
                Budget.SetCeiling(options.StaticShare);
                break;
            case Strategy.AdaptiveAlone:
                Budget.SetCeiling(options.RequestsPerSecondBudget);
                break;
            default:
                Share = new FleetShare(store, Budget, options, time, NullLogger<FleetShare>.Instance, random: random);

                // Instances rebalance out of step with each other, as independent hosts do.
                _nextRebalance = now + (_interval * random.NextDouble());
                Rebalance(now, force: true);
                break;
        }
    }

    public SendBudget Budget { get; }

    public FleetShare? Share { get; }

    public bool Alive { get; set; } = true;

    public void Rebalance(TimeSpan now, bool force = false)
    {
        if (Share is null || (!force && now < _nextRebalance))
        {
            return;
        }

        if (!force)
        {
            _nextRebalance += _interval;
        }

        // The in-memory store answers synchronously: the whole rebalance completes here, on the virtual clock.
        var rebalance = Share.RebalanceAsync(CancellationToken.None);
        if (!rebalance.IsCompleted)
        {
            throw new InvalidOperationException("A rebalance against the in-memory store must complete synchronously.");
        }

        rebalance.GetAwaiter().GetResult();
    }

    public void Dispose() => Budget.Dispose();
}
