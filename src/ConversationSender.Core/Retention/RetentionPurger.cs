using Azure;
using Azure.Data.Tables;
using ConversationSender.Idempotency;
using ConversationSender.Queueing;
using ConversationSender.Storage;
using ConversationSender.Tracking;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Retention;

/// <summary>
/// Deletes what the sender keeps once it is past its retention, since Table and Blob storage have no time-to-live of
/// their own: idempotency rows past their <c>ExpiresAt</c>, status rows older than <c>Webhooks:StatusRetention</c>,
/// and dead-letter originals kept in blobs older than <c>SendQueue:DeadLetterRetention</c> (the dead-letter queue
/// messages expire by themselves). Deletes in per-partition batches; logs counts, never keys or content.
/// </summary>
public sealed partial class RetentionPurger(
    StorageClientFactory storage,
    IdempotencyStore idempotency,
    DeliveryStatusStore statuses,
    DeadLetterWriter deadLetters,
    IOptions<IdempotencyOptions> idempotencyOptions,
    IOptions<StatusTrackingOptions> trackingOptions,
    IOptions<SendQueueOptions> queueOptions,
    TimeProvider time,
    ILogger<RetentionPurger> logger)
{
    // A table transaction holds at most 100 operations, all in one partition.
    private const int BatchSize = 100;

    public async Task<PurgeResult> PurgeAsync(CancellationToken cancellationToken)
    {
        if (!storage.IsConfigured)
        {
            return new PurgeResult(0, 0, 0);
        }

        var now = time.GetUtcNow();
        var keys = idempotency.Enabled
            ? await PurgeTableAsync(idempotencyOptions.Value.TableName, TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), cancellationToken)
            : 0;
        var statusRows = statuses.Enabled
            ? await PurgeTableAsync(trackingOptions.Value.StatusTableName, TableClient.CreateQueryFilter($"Timestamp lt {now - trackingOptions.Value.StatusRetention}"), cancellationToken)
            : 0;
        var originals = await PurgeBlobsAsync(deadLetters.OverflowContainerName, now - queueOptions.Value.DeadLetterRetention, cancellationToken);
        LogPurged(logger, keys, statusRows, originals);
        return new PurgeResult(keys, statusRows, originals);
    }

    private async Task<int> PurgeTableAsync(string tableName, string filter, CancellationToken cancellationToken)
    {
        var table = storage.CreateTable(tableName);
        var deleted = 0;
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages())
            {
                foreach (var partition in page.Values.GroupBy(e => e.PartitionKey))
                {
                    foreach (var batch in partition.Chunk(BatchSize))
                    {
                        // ETag.All: a row rewritten since the query (a key used again) is newer, but it was expired when read.
                        await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)), cancellationToken);
                        deleted += batch.Length;
                    }
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No table yet: nothing was ever kept.
        }

        return deleted;
    }

    private async Task<int> PurgeBlobsAsync(string containerName, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var container = await storage.GetBlobContainerAsync(containerName, cancellationToken);
        var deleted = 0;
        await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            if (blob.Properties.LastModified < cutoff)
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
                deleted++;
            }
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purge: {IdempotencyRows} idempotency rows, {StatusRows} status rows, {DeadLetterOriginals} dead-letter originals deleted.")]
    private static partial void LogPurged(ILogger logger, int idempotencyRows, int statusRows, int deadLetterOriginals);
}
