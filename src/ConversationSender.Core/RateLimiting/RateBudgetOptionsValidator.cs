using Microsoft.Extensions.Options;

namespace ConversationSender.RateLimiting;

/// <summary>The cross-field rules data annotations cannot express.</summary>
internal sealed class RateBudgetOptionsValidator : IValidateOptions<RateBudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, RateBudgetOptions options)
    {
        var failures = new List<string>();
        if (options.RateBudgetRebalanceInterval * 3 > options.RateBudgetLeaseDuration)
        {
            failures.Add("Sinch:RateBudgetRebalanceInterval must be at most a third of Sinch:RateBudgetLeaseDuration (a lease is renewed on a rebalance, before it runs out).");
        }

        if (options.ReservedPartitions >= options.RateBudgetPartitions)
        {
            failures.Add("Sinch:RateBudgetReservedShare leaves no partition to share out: lower it or raise Sinch:RateBudgetPartitions.");
        }

        // An instance past the partition count would hold nothing and send nothing while the others hold it all.
        if ((long)options.RateBudgetMaxInstances * options.RateBudgetSendingGroups > options.RateBudgetPartitions)
        {
            failures.Add($"Sinch:RateBudgetPartitions ({options.RateBudgetPartitions}) must be at least Sinch:RateBudgetMaxInstances × Sinch:RateBudgetSendingGroups ({options.RateBudgetMaxInstances} × {options.RateBudgetSendingGroups}): every instance that may run needs a partition.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
