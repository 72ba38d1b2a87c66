using System.ComponentModel.DataAnnotations;

namespace ConversationSender.RateLimiting;

/// <summary>
/// The fleet-wide request budget towards Sinch, bound from the <c>Sinch</c> section (the settings sit beside the other
/// Sinch settings: <c>Sinch:RequestsPerSecondBudget</c> …). See docs/rate-limits.md.
/// </summary>
public sealed class RateBudgetOptions
{
    public const string SectionName = "Sinch";

    /// <summary>Requests per second all instances of all function groups send together (Sinch allows 800 per project).</summary>
    [Range(1.0, 100_000.0)]
    public double RequestsPerSecondBudget { get; set; } = 750;

    /// <summary>
    /// How many equal parts the budget is cut into, one blob lease each: at least the number of instances that may
    /// send at once (max instances × sending groups), or some of them get nothing while the others hold it all.
    /// </summary>
    [Range(1, 5_000)]
    public int RateBudgetPartitions { get; set; } = 100;

    /// <summary>Share of the partitions no instance takes beyond its fair share: a newcomer (an HTTP send) gets one at once.</summary>
    [Range(0.0, 0.5)]
    public double RateBudgetReservedShare { get; set; } = 0.05;

    /// <summary>
    /// A blob lease's length (Azure allows 15 to 60 s). An instance that dies without giving its partitions back holds
    /// them this long: the fleet's convergence after a crash is about this plus <see cref="RateBudgetRebalanceInterval"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:15", "00:01:00")]
    public TimeSpan RateBudgetLeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a busy instance reads the partitions (one listing) and takes or gives back its share.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:00:30")]
    public TimeSpan RateBudgetRebalanceInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>An instance that has asked for no send this long gives its partitions back and leaves the count.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RateBudgetIdleAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most instances of one function group (the plan's <c>maximumInstanceCount</c>), for the static fallback.</summary>
    [Range(1, 1_000)]
    public int RateBudgetMaxInstances { get; set; } = 40;

    /// <summary>Function groups that send (HTTP and queue: 2), each scaled on its own, for the static fallback.</summary>
    [Range(1, 10)]
    public int RateBudgetSendingGroups { get; set; } = 2;

    /// <summary>Cut an instance's rate on Sinch's 429 (CUBIC, as the AWS SDKs' adaptive retry mode) so other traffic in the project is tolerated.</summary>
    public bool AdaptOnThrottling { get; set; } = true;

    /// <summary>The blob container holding one empty blob per partition and one per busy instance.</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Sinch:RateBudgetContainer must be a valid blob container name (3-63 lower-case letters, digits and single hyphens).")]
    public string RateBudgetContainer { get; set; } = "rate-budget";

    /// <summary>What one partition's lease is worth, in requests per second.</summary>
    public double PartitionRate => RequestsPerSecondBudget / RateBudgetPartitions;

    /// <summary>What an instance sends at when the leases cannot be read: a share safe even if every instance of every group does the same.</summary>
    public double StaticShare => RequestsPerSecondBudget / RateBudgetMaxInstances / RateBudgetSendingGroups;

    /// <summary>Partitions kept free for newcomers.</summary>
    public int ReservedPartitions => (int)Math.Ceiling(RateBudgetPartitions * RateBudgetReservedShare);
}
