using ConversationSender.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace ConversationSender.RateSimulation;

/// <summary>
/// Runs a <see cref="Scenario"/> in 10 ms steps of a virtual clock (no sleeps): every live instance sends whatever
/// its budget allows, Sinch answers each attempt after <see cref="Latency"/>, and the answer goes back into the
/// instance's budget (its 429 cut). The lease strategy rebalances against an in-memory store on the same clock.
/// </summary>
public static class Simulation
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(100);

    /// <summary>Sinch's limit per project.</summary>
    public const double ProjectLimit = 800;

    // Converged from the first second of a window this long whose goodput is within 10 % of what the project leaves
    // us (the budget, less the other client's traffic above the limit's headroom) with under 1 % of attempts answered 429.
    private const int SettledSeconds = 5;

    public static SimulationResult Run(Scenario scenario, Strategy strategy, RateBudgetOptions options, int seed = 1)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new InMemoryRateBudgetStore(time);
        var random = new Random(seed);
        var sinch = new SimulatedSinch(ProjectLimit, scenario.Seconds);
        var instances = new List<SimulatedInstance>();
        var answers = new Queue<(TimeSpan At, SimulatedInstance Instance, bool Throttled)>();
        var otherOwed = 0.0;
        var steps = (int)(TimeSpan.FromSeconds(scenario.Seconds) / Step);
        for (var step = 0; step < steps; step++)
        {
            var now = Step * step;
            var second = (int)now.TotalSeconds;
            if (step % (int)(TimeSpan.FromSeconds(1) / Step) == 0)
            {
                foreach (var (_, count) in scenario.Joins.Where(j => j.At == second))
                {
                    for (var i = 0; i < count; i++)
                    {
                        instances.Add(new SimulatedInstance(strategy, options, time, store, random, now));
                    }
                }

                foreach (var (_, count) in scenario.Deaths.Where(d => d.At == second))
                {
                    foreach (var dead in instances.Where(i => i.Alive).Take(count))
                    {
                        dead.Alive = false;
                    }
                }
            }

            while (answers.Count > 0 && answers.Peek().At <= now)
            {
                var (_, instance, throttled) = answers.Dequeue();
                if (instance.Alive)
                {
                    instance.Budget.Answered(throttled);
                }
            }

            if (scenario.OtherClient is { } other && second >= other.From && second < other.To)
            {
                for (otherOwed += other.Share * ProjectLimit * Step.TotalSeconds; otherOwed >= 1; otherOwed--)
                {
                    sinch.Send(second, ours: false);
                }
            }

            // A different instance goes first each step, as the order of requests reaching Sinch is nobody's.
            var live = instances.Where(i => i.Alive).ToList();
            for (var k = 0; k < live.Count; k++)
            {
                var instance = live[(k + step) % live.Count];
                instance.Rebalance(now);
                while (instance.Budget.TryAcquire(SendPriority.Backlog))
                {
                    answers.Enqueue((now + Latency, instance, !sinch.Send(second, ours: true)));
                }
            }

            time.Advance(Step);
        }

        foreach (var instance in instances)
        {
            instance.Dispose();
        }

        if (Environment.GetEnvironmentVariable("RATE_SIMULATION_TRACE") == "1")
        {
            Console.Error.WriteLine($"# {scenario.Name} {strategy}");
            for (var s = 0; s < scenario.Seconds; s++)
            {
                Console.Error.WriteLine($"{s}\t{sinch.Attempts[s]}\t{sinch.Accepted[s]}\t{sinch.Throttled[s]}\t{sinch.Other[s]}");
            }
        }

        return Measure(scenario, strategy, options, sinch, store.Requests);
    }

    private static SimulationResult Measure(Scenario scenario, Strategy strategy, RateBudgetOptions options, SimulatedSinch sinch, long storeRequests)
    {
        var seconds = scenario.Seconds;
        var accepted = sinch.Accepted.Take(seconds).Sum();
        var attempts = sinch.Attempts.Take(seconds).Sum();
        var throttled = sinch.Throttled.Take(seconds).Sum();
        var busiest = Enumerable.Range(0, seconds).Max(s => sinch.Attempts[s] + sinch.Other[s]) / sinch.Limit;
        var events = scenario.Events.ToList();
        var convergence = events.Select((at, i) => (at, Converged(scenario, options, sinch, at, i + 1 < events.Count ? events[i + 1] : seconds))).ToList();
        return new SimulationResult(
            scenario,
            strategy,
            accepted / (double)seconds / options.RequestsPerSecondBudget,
            attempts == 0 ? 0 : throttled / (double)attempts,
            busiest,
            convergence,
            storeRequests / (double)seconds);
    }

    private static double? Converged(Scenario scenario, RateBudgetOptions options, SimulatedSinch sinch, int from, int to)
    {
        for (var s = from; s + SettledSeconds <= to; s++)
        {
            double accepted = 0, throttled = 0, attempts = 0, available = 0;
            for (var w = s; w < s + SettledSeconds; w++)
            {
                var otherShare = scenario.OtherClient is { } o && w >= o.From && w < o.To ? o.Share : 0;
                available += Math.Min(options.RequestsPerSecondBudget, sinch.Limit * (1 - otherShare));
                accepted += sinch.Accepted[w];
                throttled += sinch.Throttled[w];
                attempts += sinch.Attempts[w];
            }

            if (accepted >= 0.9 * available && throttled <= 0.01 * Math.Max(1, attempts))
            {
                return s + 1 - from;
            }
        }

        return null;
    }
}
