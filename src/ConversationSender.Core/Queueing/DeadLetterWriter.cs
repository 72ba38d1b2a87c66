using System.Text.Json;
using ConversationSender.Storage;
using Microsoft.Extensions.Options;

namespace ConversationSender.Queueing;

/// <summary>
/// Writes <see cref="DeadLetterEntry"/> documents to the dead-letter queue, creating it on first use. An entry always
/// fits a queue message: when the original would not fit beside the reason, the original goes to a blob
/// (<see cref="OverflowContainerName"/>) and the entry names it, so the reason is never lost to the size limit.
/// </summary>
public sealed class DeadLetterWriter(StorageClientFactory clients, IOptions<SendQueueOptions> options)
{
    /// <summary>What a base64 queue message of 64 KiB holds.</summary>
    public const int MaxEntryBytes = 48 * 1024;

    // The original is JSON text inside a JSON string: escaped as \" rather than \u0022, it stays near its own size.
    // Safe here: the entry is read by programs and people, never embedded in HTML.

    public string QueueName => options.Value.ResolvedDeadLetterQueueName;

    public string OverflowContainerName => $"{QueueName}-originals";

    public async Task WriteAsync(DeadLetterEntry entry, CancellationToken cancellationToken)
    {
        var queue = await clients.GetQueueAsync(QueueName, cancellationToken);
        var body = Serialize(entry);
        if (body.Length > MaxEntryBytes && entry.OriginalMessage is { } original)
        {
            var container = await clients.GetBlobContainerAsync(OverflowContainerName, cancellationToken);
            var blobName = $"{entry.FailedOn.UtcDateTime:yyyy-MM-dd}/{entry.OriginalMessageId}-{Guid.NewGuid():N}.json";
            await container.UploadBlobAsync(blobName, BinaryData.FromString(original), cancellationToken);
            body = Serialize(entry with { OriginalMessage = null, OriginalMessageBlob = $"{OverflowContainerName}/{blobName}" });
        }

        // Kept for SendQueue:DeadLetterRetention, then removed by the queue itself: dead letters hold phone numbers and texts.
        await queue.SendMessageAsync(BinaryData.FromBytes(body), timeToLive: options.Value.DeadLetterRetention, cancellationToken: cancellationToken);
    }

    private static byte[] Serialize(DeadLetterEntry entry) => JsonSerializer.SerializeToUtf8Bytes(entry, RelaxedQueueingJson.Context.DeadLetterEntry);
}
