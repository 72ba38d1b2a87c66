using Azure;
using Azure.Data.Tables;

namespace ConversationSender.Idempotency;

/// <summary>Cancelling a queued message: one conditional write on the same key row a sender claims.</summary>
public sealed partial class IdempotencyStore
{
    /// <summary>
    /// Cancels the message queued under this key unless it was sent or is being sent: one conditional write, so a
    /// sender and a canceller never both win. Idempotent: cancelling again answers the first cancellation. Like its
    /// siblings' answers, a table it cannot reach is a result (<see cref="Cancellation.Unavailable"/>), not an exception.
    /// </summary>
    public async Task<Cancellation> CancelAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await CancelGuardedAsync(key, cancellationToken);
        }
        catch (IdempotencyStoreUnavailableException ex)
        {
            return new Cancellation.Unavailable(ex.Message);
        }
    }

    private Task<Cancellation> CancelGuardedAsync(string key, CancellationToken cancellationToken)
    {
        var (partition, row) = Locate(key);
        return GuardAsync<Cancellation>(async table =>
        {
            var now = time.GetUtcNow();
            var cancelled = new TableEntity(partition, row) { ["State"] = CancelledState, ["ClaimedAt"] = now, ["ExpiresAt"] = now + CancelledRetention };
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
            if (!existing.HasValue)
            {
                if (!await WasQueuedAsync(key, cancellationToken))
                {
                    return new Cancellation.Unknown();
                }

                try
                {
                    await table.AddEntityAsync(cancelled, cancellationToken);
                    return new Cancellation.Cancelled(now);
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                    return new Cancellation.InProgress(now); // a sender claimed it a moment ago
                }
            }

            var entity = existing.Value!;
            var claimedAt = entity.GetDateTimeOffset("ClaimedAt") ?? now;
            switch (entity.GetString("State"))
            {
                case CancelledState:
                    return new Cancellation.Cancelled(claimedAt);
                case SentState:
                    return new Cancellation.AlreadySent(entity.GetString("MessageId"), entity.GetDateTimeOffset("AcceptedTime") ?? claimedAt);
                case InFlightState or UnconfirmedState:
                    return new Cancellation.InProgress(claimedAt);
            }

            try
            {
                // Released (an attempt failed and it waits for the next): cancelled while it waits.
                await table.UpdateEntityAsync(cancelled, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return new Cancellation.Cancelled(now);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                return new Cancellation.InProgress(now);
            }
        }, cancellationToken);
    }
}
