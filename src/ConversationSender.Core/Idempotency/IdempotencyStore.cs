using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using ConversationSender.Storage;
using Microsoft.Extensions.Options;

namespace ConversationSender.Idempotency;

/// <summary>
/// Idempotency keys in Azure Table storage: claimed before Sinch is called, completed with Sinch's message id
/// after, released when nothing was sent. A key is bound to the request it was first used for (a fingerprint of
/// it): the same key with another request is refused, never answered with the first one's result (Stripe's rule).
/// Keys are stored hashed: callers may build them from personal data.
/// </summary>
public sealed partial class IdempotencyStore(StorageClientFactory storage, IOptions<IdempotencyOptions> options, TimeProvider time)
{
    private const string InFlightState = "in_flight";
    private const string SentState = "sent";

    // Nothing sent (or nothing known to be): the request may claim it again, and it stays bound to that request.
    private const string ReleasedState = "released";

    // The last attempt ended ambiguously (Sinch may have the message): whoever claims it next must look it up first.
    private const string UnconfirmedState = "unconfirmed";

    // Cancelled before it was sent (a scheduled message): never claimed again while the row lives, which is at least
    // as long as a message can wait on the queue.
    private const string CancelledState = "cancelled";
    private static readonly TimeSpan CancelledRetention = TimeSpan.FromDays(8);

    private readonly IdempotencyOptions _options = options.Value;
    public bool Enabled => _options.Enabled;

    /// <param name="fingerprint">What identifies the request (a hash of what would be sent): the key is bound to it.</param>
    public async Task<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        var (partition, row) = Locate(key);
        return await GuardAsync<IdempotencyClaim>(async table =>
        {
            var now = time.GetUtcNow();
            try
            {
                var response = await table.AddEntityAsync(NewClaim(partition, row, fingerprint, now, now), cancellationToken);
                return new IdempotencyClaim.Claimed(partition, row, response.Headers.ETag ?? ETag.All, fingerprint, now);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
                if (!existing.HasValue)
                {
                    // Released between our add and our read: the next attempt will claim it.
                    return new IdempotencyClaim.InFlight(now);
                }

                var entity = existing.Value!;
                var expired = entity.GetDateTimeOffset("ExpiresAt") is { } expiresAt && expiresAt <= now;
                if (!expired && entity.GetString("State") == CancelledState)
                {
                    return new IdempotencyClaim.Cancelled(entity.GetDateTimeOffset("ClaimedAt") ?? now);
                }

                var claimedAt = entity.GetDateTimeOffset("ClaimedAt") ?? now;
                var firstUsedAt = entity.GetDateTimeOffset("FirstUsedAt") ?? claimedAt;
                if (!expired && entity.GetString("Fingerprint") is { } first && first != fingerprint)
                {
                    return new IdempotencyClaim.UsedForAnotherRequest(firstUsedAt);
                }

                var abandoned = entity.GetString("State") == InFlightState && claimedAt + _options.InFlightTimeout <= now;

                // A claim abandoned in flight (its sender died: scale-in, deployment, out of memory) is an ambiguous
                // attempt too: the sender may have reached Sinch before it died. It sent, if at all, between its claim
                // and the in-flight timeout (which start-up keeps above the longest send); the marker comes from the key.
                var unconfirmed = entity.GetString("State") == UnconfirmedState
                    ? new IdempotencyClaim.UnconfirmedAttempt(entity.GetDateTimeOffset("AttemptStart") ?? claimedAt, entity.GetDateTimeOffset("AttemptEnd") ?? claimedAt)
                    : abandoned ? new IdempotencyClaim.UnconfirmedAttempt(entity.GetDateTimeOffset("AttemptStart") ?? claimedAt, claimedAt + _options.InFlightTimeout) : null;
                var released = entity.GetString("State") == ReleasedState || unconfirmed is not null;
                if (!expired && !abandoned && !released)
                {
                    return entity.GetString("State") == SentState
                        ? new IdempotencyClaim.AlreadySent(entity.GetString("MessageId"), entity.GetDateTimeOffset("AcceptedTime") ?? claimedAt)
                        : new IdempotencyClaim.InFlight(claimedAt);
                }

                try
                {
                    // Take over an expired or abandoned key; the ETag makes sure only one taker wins.
                    var usedSince = expired ? now : firstUsedAt;
                    var carried = expired ? null : unconfirmed;
                    var replaced = await table.UpdateEntityAsync(NewClaim(partition, row, fingerprint, usedSince, now, carried?.Start), entity.ETag, TableUpdateMode.Replace, cancellationToken);
                    return new IdempotencyClaim.Claimed(partition, row, replaced.Headers.ETag ?? ETag.All, fingerprint, usedSince, carried);
                }
                catch (RequestFailedException lost) when (lost.Status is 409 or 412)
                {
                    return new IdempotencyClaim.InFlight(now);
                }
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Records that Sinch took the message. The row also serves the status lookup by tracking id (the key), so a keyed
    /// send costs two table writes in all: this and the claim.
    /// </summary>
    public Task CompleteAsync(IdempotencyClaim.Claimed claim, string? messageId, DateTimeOffset acceptedTime, string? correlationId, CancellationToken cancellationToken) =>
        GuardAsync(async table =>
        {
            var entity = ClaimRow(claim, SentState);
            entity["MessageId"] = messageId;
            entity["AcceptedTime"] = acceptedTime;
            entity["CorrelationId"] = correlationId;

            // Unconditional: the message was sent, and that must be remembered even if the claim was taken over.
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Gives the key back after a send that did not go through: the same request may claim it again at once, but the
    /// key stays bound to it (another message under this key is still refused, for the retention period).
    /// </summary>
    public Task ReleaseAsync(IdempotencyClaim.Claimed claim, CancellationToken cancellationToken) =>
        ReplaceOurClaimAsync(claim, ReleasedState, attempt: null, cancellationToken);

    /// <summary>
    /// Leaves the key "unconfirmed" after an ambiguous attempt: not released (a blind resend could duplicate), not
    /// completed (nothing is known); the next claim gets the attempt's time window to look the message up.
    /// </summary>
    public Task MarkUnconfirmedAsync(IdempotencyClaim.Claimed claim, IdempotencyClaim.UnconfirmedAttempt attempt, CancellationToken cancellationToken) =>
        ReplaceOurClaimAsync(claim, UnconfirmedState, attempt, cancellationToken);

    // What every write over a claim keeps: its state, a fresh retention period, and the message it is bound to.
    private TableEntity ClaimRow(IdempotencyClaim.Claimed claim, string state)
    {
        var now = time.GetUtcNow();
        return new TableEntity(claim.PartitionKey, claim.RowKey)
        {
            ["State"] = state,
            ["ClaimedAt"] = now,
            ["ExpiresAt"] = now + _options.Retention,
            ["Fingerprint"] = claim.Fingerprint,
            ["FirstUsedAt"] = claim.FirstUsedAt,
        };
    }

    // Only while the claim is still ours (its ETag): once taken over, the other attempt decides.
    private Task<bool> ReplaceOurClaimAsync(IdempotencyClaim.Claimed claim, string state, IdempotencyClaim.UnconfirmedAttempt? attempt, CancellationToken cancellationToken) =>
        GuardAsync(async table =>
        {
            var entity = ClaimRow(claim, state);
            if (attempt is not null)
            {
                entity["AttemptStart"] = attempt.Start;
                entity["AttemptEnd"] = attempt.End;
            }

            try
            {
                await table.UpdateEntityAsync(entity, claim.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
            }

            return true;
        }, cancellationToken);

    /// <summary>Whether a message was already put on the send queue under this key (a retried batch or intake).</summary>
    public Task<bool> WasQueuedAsync(string key, CancellationToken cancellationToken)
    {
        var (partition, row) = Locate(QueuedMarker(key));
        return GuardAsync(async table => (await table.GetEntityIfExistsAsync<TableEntity>(partition, row, ["ExpiresAt"], cancellationToken)) is { HasValue: true } found
            && found.Value!.GetDateTimeOffset("ExpiresAt") > time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Remembers that a message was queued under this key, for <see cref="IdempotencyOptions.Retention"/>.</summary>
    /// <param name="sendAt">For a scheduled message: when it is due (the marker then lives until a retention after that).</param>
    public Task MarkQueuedAsync(string key, DateTimeOffset? sendAt, CancellationToken cancellationToken)
    {
        var (partition, row) = Locate(QueuedMarker(key));
        var now = time.GetUtcNow();
        var expires = (sendAt is { } due && due > now ? due : now) + _options.Retention;
        return GuardAsync(async table =>
        {
            await table.UpsertEntityAsync(new TableEntity(partition, row) { ["ExpiresAt"] = expires, ["QueuedAt"] = now, ["SendAt"] = sendAt }, TableUpdateMode.Replace, cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// What the status lookup knows under a key, from one read of its row (and of its queued marker only when nothing
    /// was sent): the completion (message id, accept time, correlation id), or a message not sent yet: cancelled, or
    /// scheduled (when it is due). Null when none of these, or past its retention.
    /// </summary>
    public Task<KeyRecord?> FindRecordAsync(string key, CancellationToken cancellationToken)
    {
        var (partition, row) = Locate(key);
        var (markerPartition, markerRow) = Locate(QueuedMarker(key));
        return GuardAsync<KeyRecord?>(async table =>
        {
            var now = time.GetUtcNow();
            if (await table.GetEntityIfExistsAsync<TableEntity>(partition, row, ["State", "MessageId", "AcceptedTime", "CorrelationId", "ClaimedAt", "ExpiresAt"], cancellationToken) is { HasValue: true } found
                && found.Value!.GetDateTimeOffset("ExpiresAt") > now)
            {
                var entity = found.Value;
                switch (entity.GetString("State"))
                {
                    case SentState:
                        return new SentRecord(entity.GetString("MessageId"), entity.GetDateTimeOffset("AcceptedTime") ?? now, entity.GetString("CorrelationId"));
                    case CancelledState:
                        return new PendingRecord("CANCELLED", entity.GetDateTimeOffset("ClaimedAt") ?? now, null);
                }
            }

            return await table.GetEntityIfExistsAsync<TableEntity>(markerPartition, markerRow, ["QueuedAt", "SendAt", "ExpiresAt"], cancellationToken) is { HasValue: true } marker
                && marker.Value!.GetDateTimeOffset("SendAt") is { } sendAt && marker.Value.GetDateTimeOffset("ExpiresAt") > now
                    ? new PendingRecord("SCHEDULED", marker.Value.GetDateTimeOffset("QueuedAt") ?? now, sendAt)
                    : null;
        }, cancellationToken);
    }

    private static string QueuedMarker(string key) => "queued\n" + key;

    /// <summary>The hash of a key, as stored and as logged.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static (string Partition, string Row) Locate(string key)
    {
        var hash = Hash(key);
        return (hash[..2], hash);
    }

    // A claim taken over from an ambiguous attempt keeps that attempt's start: should this claim be abandoned too, the
    // window to search then still covers the first attempt.
    private TableEntity NewClaim(string partition, string row, string fingerprint, DateTimeOffset firstUsedAt, DateTimeOffset now, DateTimeOffset? earlierAttemptStart = null) => new(partition, row)
    {
        ["State"] = InFlightState,
        ["ClaimedAt"] = now,
        ["ExpiresAt"] = now + _options.Retention,
        ["Fingerprint"] = fingerprint,
        ["FirstUsedAt"] = firstUsedAt,
        ["AttemptStart"] = earlierAttemptStart,
    };

    private async Task<T> GuardAsync<T>(Func<TableClient, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation(await storage.GetTableAsync(_options.TableName, cancellationToken));
        }
        catch (StorageNotConfiguredException ex)
        {
            throw new IdempotencyStoreMisconfiguredException(ex.Message, ex.SettingName, ex);
        }
        catch (RequestFailedException ex)
        {
            throw new IdempotencyStoreUnavailableException($"The idempotency table answered HTTP {ex.Status} ({ex.ErrorCode}).", ex);
        }
        catch (Exception ex) when (StorageFailure.Is(ex, cancellationToken))
        {
            throw new IdempotencyStoreUnavailableException("The idempotency table could not be reached.", ex);
        }
    }
}
