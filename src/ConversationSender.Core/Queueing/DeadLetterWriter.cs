using ConversationSender.Storage;
using System.Text.Json;
using ConversationSender.Contract;
using Microsoft.Extensions.Options;

namespace ConversationSender.Queueing;

/// <summary>Writes <see cref="DeadLetterEntry"/> documents to the dead-letter queue, creating it on first use.</summary>
public sealed class DeadLetterWriter(StorageClientFactory clients, IOptions<SendQueueOptions> options)
{
    public string QueueName => options.Value.ResolvedDeadLetterQueueName;

    public async Task WriteAsync(DeadLetterEntry entry, CancellationToken cancellationToken)
    {
        var queue = await clients.GetQueueAsync(QueueName, cancellationToken);
        var body = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(entry, ContractJsonContext.Default.DeadLetterEntry));

        // -1: never expires. A dead letter that vanishes after the default 7 days is a lost message.
        await queue.SendMessageAsync(body, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken);
    }
}
