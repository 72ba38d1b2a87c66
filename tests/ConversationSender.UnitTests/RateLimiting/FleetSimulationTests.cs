using ConversationSender.RateLimiting;
using ConversationSender.RateSimulation;

namespace ConversationSender.UnitTests.RateLimiting;

/// <summary>
/// The targets, on a short run of the simulation (virtual clock, the production controller): with 1 and 40
/// instances, goodput ≥ 0.9 × budget, 429s ≤ 1 % of attempts, no second above 1.05 × Sinch's limit, convergence ≤ 20 s;
/// and after 35 of 40 die without giving anything back, the 5 left take the budget within 20 s.
/// </summary>
public sealed class FleetSimulationTests
{
    private static readonly RateBudgetOptions Defaults = new();

    [Theory]
    [InlineData(1)]
    [InlineData(40)]
    public void A_steady_fleet_sends_at_the_budget_without_429s(int instances)
    {
        var result = Simulation.Run(Scenario.Steady(instances, seconds: 40), Strategy.FleetLeases, Defaults);

        Assert.InRange(result.GoodputOfBudget, 0.9, 1.0);
        Assert.InRange(result.ThrottledShare, 0, 0.01);
        Assert.InRange(result.BusiestSecondOfLimit, 0, 1.05);
        Assert.InRange(result.WorstConvergence ?? double.MaxValue, 0, 20);
    }

    [Fact]
    public void When_35_of_40_die_holding_their_leases_the_rest_take_the_budget_within_20_seconds()
    {
        var result = Simulation.Run(Scenario.Dying(seconds: 70, at: 30), Strategy.FleetLeases, Defaults);

        Assert.InRange(result.Convergence.Single(c => c.Event == 30).Seconds ?? double.MaxValue, 0, 20);
        Assert.InRange(result.ThrottledShare, 0, 0.01);
        Assert.InRange(result.BusiestSecondOfLimit, 0, 1.05);
    }

    [Fact]
    public void Forty_instances_adapting_alone_overrun_the_limit_which_the_shared_budget_prevents()
    {
        // The comparison the design rests on: without coordination, 40 clients each probing for the limit keep Sinch busy with 429s.
        var alone = Simulation.Run(Scenario.Steady(40, seconds: 40), Strategy.AdaptiveAlone, Defaults);

        Assert.True(alone.ThrottledShare > 0.05, $"429 share {alone.ThrottledShare:P1}");
        Assert.True(alone.BusiestSecondOfLimit > 1.05, $"busiest second {alone.BusiestSecondOfLimit:F2}");
    }

    [Fact]
    public void Another_client_taking_a_quarter_of_the_limit_is_tolerated_and_its_leaving_reclaimed()
    {
        var result = Simulation.Run(Scenario.WithOtherClient(40, from: 20, to: 50, seconds: 80), Strategy.FleetLeases, Defaults);

        Assert.All(result.Convergence, c => Assert.InRange(c.Seconds ?? double.MaxValue, 0, 20));
        Assert.InRange(result.ThrottledShare, 0, 0.01);
    }
}
