using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ConversationSender.Functions;
using ConversationSender.Idempotency;
using ConversationSender.Storage;
using ConversationSender.Tracking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConversationSender.LoadHarness;

/// <summary>
/// The queue path with the product's defaults (status recording and the opt-out check on): messages from Azurite through the queue function,
/// 16 at a time, the product's own storage requests counted on the wire.
/// </summary>
internal static class QueueRun
{
    private const string QueueName = "load-run";

    public static async Task<RunResult> RunAsync(SendRig rig, int count, StorageRequestCounter counter)
    {
        await using var provider = rig.BuildProvider(rig.WithProductDefaults(), counter);
        var queueRun = await RunQueueAsync(provider, rig.Azurite!.ConnectionString, count, rig.Body, counter);
        Console.WriteLine($"queue: {queueRun.PerSecond:F0}/s; per message {counter.TableWrites / (double)queueRun.Messages:F2} table writes, {counter.TableReads / (double)queueRun.Messages:F2} table reads, {counter.QueueRequests / (double)queueRun.Messages:F2} queue requests");
        return queueRun;
    }

    private static async Task<RunResult> RunQueueAsync(IServiceProvider provider, string connectionString, int count, BinaryData body, StorageRequestCounter counter)
    {
        var producer = provider.GetRequiredService<StorageClientFactory>().CreateQueue(QueueName);
        await producer.CreateIfNotExistsAsync();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) => await producer.SendMessageAsync(body, cancellationToken: ct));

        // The tables exist before counting starts (created once per process, not per message).
        await provider.GetRequiredService<StorageClientFactory>().GetTableAsync(provider.GetRequiredService<IOptions<IdempotencyOptions>>().Value.TableName, CancellationToken.None);
        await provider.GetRequiredService<StorageClientFactory>().GetTableAsync(provider.GetRequiredService<IOptions<StatusTrackingOptions>>().Value.StatusTableName, CancellationToken.None);
        counter.Reset();

        var raw = new QueueClient(connectionString, QueueName);
        var function = ActivatorUtilities.CreateInstance<SendMessageQueueFunction>(provider);
        var batches = new System.Collections.Concurrent.ConcurrentQueue<QueueMessage>();
        var done = 0;
        return await LoadRunner.RunAsync("queue", count, 16, async _ =>
        {
            QueueMessage? message = null;
            while (message is null)
            {
                if (!batches.TryDequeue(out message))
                {
                    foreach (var received in (await raw.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value)
                    {
                        batches.Enqueue(received);
                    }
                }
            }

            var decoded = BinaryData.FromBytes(Convert.FromBase64String(message.Body.ToString()));
            try
            {
                await function.RunAsync(QueuesModelFactory.QueueMessage(message.MessageId, message.PopReceipt, decoded, message.DequeueCount, message.NextVisibleOn, message.InsertedOn, message.ExpiresOn), CancellationToken.None);
                await raw.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                Interlocked.Increment(ref done);
                return true;
            }
            catch (MessageNotSentException)
            {
                return false;
            }
        });
    }
}
