using System.Globalization;
using ConversationSender.RateLimiting;
using ConversationSender.RateSimulation;

// Every scenario of issue 36 under each strategy, on the default settings (the static share for one sending group:
// 750 ÷ 40 = 18.75/s, the most a safe static share can be). Prints the table docs/performance.md keeps.
var options = new RateBudgetOptions { RateBudgetSendingGroups = 1 };
Scenario[] scenarios =
[
    Scenario.Steady(1), Scenario.Steady(2), Scenario.Steady(5), Scenario.Steady(40),
    Scenario.Joining(), Scenario.Dying(), Scenario.WithOtherClient(40), Scenario.WithOtherClient(1),
];

var invariant = CultureInfo.InvariantCulture;
Console.WriteLine("| scenario | strategy | goodput ÷ budget | 429s ÷ attempts | busiest second ÷ limit | converged after (s, per event) | store ops/s |");
Console.WriteLine("| --- | --- | ---: | ---: | ---: | --- | ---: |");
foreach (var scenario in scenarios)
{
    foreach (var strategy in Enum.GetValues<Strategy>())
    {
        var r = Simulation.Run(scenario, strategy, options);
        var convergence = string.Join(", ", r.Convergence.Select(c => $"{c.Event}: {(c.Seconds is { } s ? s.ToString(invariant) : "never")}"));
        Console.WriteLine(string.Create(invariant,
            $"| {scenario.Name} | {strategy} | {r.GoodputOfBudget:F3} | {r.ThrottledShare:P2} | {r.BusiestSecondOfLimit:F3} | {convergence} | {r.StoreOperationsPerSecond:F1} |"));
    }
}
