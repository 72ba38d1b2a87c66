namespace ConversationSender.RateSimulation;

/// <summary>What one run measured.</summary>
public sealed record SimulationResult(
    Scenario Scenario,
    Strategy Strategy,
    double GoodputOfBudget,
    double ThrottledShare,
    double BusiestSecondOfLimit,
    IReadOnlyList<(int Event, double? Seconds)> Convergence,
    double StoreOperationsPerSecond)
{
    /// <summary>The slowest convergence after any event; null when some event never converged.</summary>
    public double? WorstConvergence => Convergence.Any(c => c.Seconds is null) ? null : Convergence.Max(c => c.Seconds);
}
