using ConversationSender.Retention;

namespace ConversationSender.Functions;

/// <summary>Hourly (at minute 17): deletes idempotency rows, status rows and dead-letter originals past their retention.</summary>
public sealed class PurgeExpiredDataFunction(RetentionPurger purger)
{
    /// <summary>Fixed rather than a setting: a missing <c>%setting%</c> would stop the host from indexing every function.</summary>
    public const string Schedule = "0 17 * * * *";

    [Function("PurgeExpiredData")]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        await purger.PurgeAsync(cancellationToken);
}
