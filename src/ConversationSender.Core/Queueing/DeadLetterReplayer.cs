using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ConversationSender.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Queueing;

/// <summary>
/// Moves dead letters back to the send queue after the cause is fixed: from our dead-letter queue (the original
/// message inside each entry) or from the host's poison queue (raw messages). Each is queued before it is deleted,
/// so a failure in between leaves a copy rather than none.
/// </summary>
public sealed partial class DeadLetterReplayer(StorageClientFactory storage, IOptions<SendQueueOptions> options, ILogger<DeadLetterReplayer> logger)
{
    public const int MaxPerRequest = 500;

    // Looked-at letters stay hidden during a pass, so that it never sees a letter twice.
    private static readonly TimeSpan ScanLease = TimeSpan.FromSeconds(30);

    public async Task<ReplayResult> ReplayAsync(ReplayRequest request, CancellationToken cancellationToken)
    {
        var queueOptions = options.Value;
        var source = storage.CreateQueue(request.FromPoison ? $"{queueOptions.QueueName}-poison" : queueOptions.ResolvedDeadLetterQueueName);
        if (!await source.ExistsAsync(cancellationToken))
        {
            return new ReplayResult([], 0);
        }

        var target = await storage.GetQueueAsync(queueOptions.QueueName, cancellationToken);
        var replayed = new List<string>();
        var skipped = new List<QueueMessage>();
        var scanned = 0;
        var max = Math.Clamp(request.Max, 1, MaxPerRequest);
        while (replayed.Count < max && scanned < MaxPerRequest * 4)
        {
            QueueMessage[] batch = (await source.ReceiveMessagesAsync(32, ScanLease, cancellationToken)).Value;
            if (batch.Length == 0)
            {
                break;
            }

            foreach (var letter in batch)
            {
                scanned++;
                var (id, original) = request.FromPoison ? (letter.MessageId, letter.Body.ToString()) : await ReadEntryAsync(letter, cancellationToken);
                if (original is null || (request.MessageIds is not null && !request.MessageIds.Contains(id)) || (replayed.Count >= max && !replayed.Contains(id)))
                {
                    skipped.Add(letter);
                    continue;
                }

                // A crash after a dead-letter write leaves two copies of one letter: replay it once, drop the copy.
                if (!replayed.Contains(id))
                {
                    await target.SendMessageAsync(original, cancellationToken);
                    replayed.Add(id);
                }

                await source.DeleteMessageAsync(letter.MessageId, letter.PopReceipt, cancellationToken);
            }
        }

        // Letters not chosen were hidden only for this pass: show them again now.
        foreach (var letter in skipped)
        {
            await source.UpdateMessageAsync(letter.MessageId, letter.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
        }

        LogReplayed(logger, replayed.Count, queueOptions.QueueName, scanned);
        return new ReplayResult(replayed, scanned);
    }

    private async Task<(string Id, string? Original)> ReadEntryAsync(QueueMessage letter, CancellationToken cancellationToken)
    {
        try
        {
            var entry = JsonSerializer.Deserialize(letter.Body.ToMemory().Span, QueueingJsonContext.Default.DeadLetterEntry);
            if (entry is { OriginalMessage: null, OriginalMessageBlob: { } blob } && blob.Split('/', 2) is [var containerName, var blobName])
            {
                // An original too large to sit beside its reason was kept in a blob.
                var container = await storage.GetBlobContainerAsync(containerName, cancellationToken);
                return (entry.OriginalMessageId, (await container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken)).Value.Content.ToString());
            }

            return entry is null ? (letter.MessageId, null) : (entry.OriginalMessageId, entry.OriginalMessage);
        }
        catch (JsonException)
        {
            LogNotAnEntry(logger, letter.MessageId);
            return (letter.MessageId, null);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} dead letters to {Queue} after scanning {Scanned}.")]
    private static partial void LogReplayed(ILogger logger, int count, string queue, int scanned);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead letter {QueueMessageId} is not a dead-letter entry; left in place.")]
    private static partial void LogNotAnEntry(ILogger logger, string queueMessageId);
}
