using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ConversationSender.Idempotency;
using ConversationSender.Storage;
using Microsoft.Extensions.Options;

namespace ConversationSender.Tracking;

/// <summary>
/// Message statuses in Azure Table storage: per message a <c>latest</c> row and one row per report (the history),
/// plus a row that maps our tracking id to Sinch's message id. A report never moves a message backwards: a late
/// QUEUED_ON_CHANNEL does not overwrite DELIVERED, and a repeated report lands on the same history row.
/// </summary>
public sealed class DeliveryStatusStore(StorageClientFactory storage, IdempotencyStore idempotency, IOptions<StatusTrackingOptions> options, TimeProvider time)
{
    public const string Accepted = "ACCEPTED";

    /// <summary>Refused before Sinch was called: every recipient opted out.</summary>
    public const string Suppressed = "SUPPRESSED";
    private const string Latest = "latest";
    private const string TrackingPartition = "tracking";

    public bool Enabled => options.Value.RecordStatus && storage.IsConfigured;

    /// <summary>How far along a status is; a report only replaces the latest status with one at least as far.</summary>
    public static int Rank(string status) => status switch
    {
        Accepted => 0,
        "QUEUED_ON_CHANNEL" or "SWITCHING_CHANNEL" => 1,
        "DELIVERED" => 2,
        "READ" or "FAILED" => 3,
        _ => 1,
    };

    public async Task RecordSentAsync(string messageId, DateTimeOffset acceptedTime, string? trackingId, string? correlationId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var latest = new TableEntity(messageId, Latest)
        {
            ["Status"] = Accepted,
            ["Rank"] = 0,
            ["AcceptedTime"] = acceptedTime,
            ["UpdatedAt"] = time.GetUtcNow(),
            ["CorrelationId"] = correlationId,
        };
        try
        {
            // Add, not upsert: a report may already have arrived and must not be overwritten by "accepted".
            await table.AddEntityAsync(latest, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            await table.UpdateEntityAsync(new TableEntity(messageId, Latest) { ["AcceptedTime"] = acceptedTime, ["CorrelationId"] = correlationId }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }

        if (trackingId is not null)
        {
            await table.UpsertEntityAsync(new TableEntity(TrackingPartition, IdempotencyStore.Hash(trackingId)) { ["MessageId"] = messageId }, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>A send refused before Sinch (no message id): the tracking id's row says so, until a later send under it succeeds.</summary>
    public async Task RecordRefusedAsync(string trackingId, string status, DateTimeOffset at, string? correlationId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(TrackingPartition, IdempotencyStore.Hash(trackingId))
        {
            ["Status"] = status,
            ["RefusedAt"] = time.GetUtcNow(),
            ["Since"] = at,
            ["CorrelationId"] = correlationId,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task RecordReportAsync(string messageId, StatusEvent report, string? correlationId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var rowKey = $"event|{report.EventTime.UtcDateTime.ToString("yyyyMMddHHmmssfffffff", CultureInfo.InvariantCulture)}|{report.Status}";
        await table.UpsertEntityAsync(new TableEntity(messageId, rowKey)
        {
            ["Status"] = report.Status,
            ["EventTime"] = report.EventTime,
            ["Channel"] = report.Channel,
            ["ReasonCode"] = report.ReasonCode,
            ["ReasonDescription"] = report.ReasonDescription,
        }, TableUpdateMode.Replace, cancellationToken);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await table.GetEntityIfExistsAsync<TableEntity>(messageId, Latest, cancellationToken: cancellationToken);
            var entity = current.HasValue ? current.Value! : new TableEntity(messageId, Latest);
            var currentRank = entity.GetInt32("Rank") ?? -1;
            var currentTime = entity.GetDateTimeOffset("EventTime") ?? DateTimeOffset.MinValue;
            var rank = Rank(report.Status);
            if (rank < currentRank || (rank == currentRank && report.EventTime < currentTime))
            {
                return;
            }

            entity["Status"] = report.Status;
            entity["Rank"] = rank;
            entity["EventTime"] = report.EventTime;
            entity["UpdatedAt"] = time.GetUtcNow();
            entity["CorrelationId"] = entity.GetString("CorrelationId") ?? correlationId;
            try
            {
                if (current.HasValue)
                {
                    await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another report for the same message won the race: read again and compare.
            }
        }
    }

    /// <summary>
    /// By Sinch's message id, or by our tracking id (the idempotency key): a keyed send is recorded once, in its
    /// idempotency row (message id, accept time, correlation id), which this reads; reports add to the message's rows.
    /// </summary>
    public async Task<MessageStatus?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsValidKey(id))
        {
            return null;
        }

        var table = await TableAsync(cancellationToken);
        if (await table.GetEntityIfExistsAsync<TableEntity>(id, Latest, cancellationToken: cancellationToken) is { HasValue: true } byMessageId)
        {
            return await StatusAsync(table, id, byMessageId.Value!, sent: null, cancellationToken);
        }

        // Sends without idempotency (it switched off) left a tracking row; keyed sends left their completion.
        var tracking = await table.GetEntityIfExistsAsync<TableEntity>(TrackingPartition, IdempotencyStore.Hash(id), cancellationToken: cancellationToken);
        if (tracking.HasValue && tracking.Value!.GetString("MessageId") is { } tracked)
        {
            return await table.GetEntityIfExistsAsync<TableEntity>(tracked, Latest, cancellationToken: cancellationToken) is { HasValue: true } latest
                ? await StatusAsync(table, tracked, latest.Value!, sent: null, cancellationToken)
                : null;
        }

        // A refusal (opted out) stands unless the key has a later record (sent after an opt-in, or queued again).
        var refused = tracking.HasValue && tracking.Value!.GetString("Status") is { } status
            ? new MessageStatus(null, tracking.Value.GetString("CorrelationId"), status, null, tracking.Value.GetDateTimeOffset("RefusedAt") ?? time.GetUtcNow(), [])
            : null;
        if (!idempotency.Enabled)
        {
            return refused;
        }

        switch (await idempotency.FindRecordAsync(id, cancellationToken))
        {
            case PendingRecord pending:
                // Not sent: scheduled (and when), or cancelled.
                return new MessageStatus(null, null, pending.Status, null, pending.Since, [], pending.SendAt);
            case SentRecord { MessageId: { } messageId } sent:
                var reported = await table.GetEntityIfExistsAsync<TableEntity>(messageId, Latest, cancellationToken: cancellationToken);
                return await StatusAsync(table, messageId, reported.HasValue ? reported.Value! : null, sent, cancellationToken);
            default:
                return refused;
        }
    }

    // The latest row (if any report came) and the history, completed with what the send itself recorded.
    private async Task<MessageStatus> StatusAsync(TableClient table, string messageId, TableEntity? latest, SentRecord? sent, CancellationToken cancellationToken)
    {
        var history = new List<StatusEvent>();
        if (latest is not null)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {messageId} and RowKey ge {"event|"} and RowKey lt {"event}"}");
            await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                history.Add(new StatusEvent(row.GetString("Status")!, row.GetDateTimeOffset("EventTime")!.Value, row.GetString("Channel"), row.GetString("ReasonCode"), row.GetString("ReasonDescription")));
            }
        }

        return new MessageStatus(
            messageId,
            latest?.GetString("CorrelationId") ?? sent?.CorrelationId,
            latest?.GetString("Status") ?? Accepted,
            latest?.GetDateTimeOffset("AcceptedTime") ?? sent?.AcceptedTime,
            latest?.GetDateTimeOffset("UpdatedAt") ?? latest?.Timestamp ?? sent?.AcceptedTime ?? time.GetUtcNow(),
            history);
    }

    /// <summary>Table keys may not hold / \ # ? or control characters; ids that do cannot be ours.</summary>
    public static bool IsValidKey(string id) =>
        id.Length is > 0 and <= 200 && !id.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    private ValueTask<TableClient> TableAsync(CancellationToken cancellationToken) =>
        storage.GetTableAsync(options.Value.StatusTableName, cancellationToken);
}
