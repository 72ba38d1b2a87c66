using Azure.Storage.Queues.Models;
using ConversationSender.Queueing;

namespace ConversationSender.Functions;

/// <summary>
/// Sends each message put on the send queue; what happens to it (sent, dead-lettered, or a copy queued for a later
/// attempt) is decided by <see cref="QueuedMessageProcessor"/>. Only when none of that could be written does the
/// trigger throw, so that the host keeps the message and delivers it again.
/// </summary>
public sealed class SendMessageQueueFunction(QueuedMessageProcessor processor)
{
    [Function("SendMessageFromQueue")]
    public async Task RunAsync([QueueTrigger("%" + SendQueueOptions.QueueNameSettingName + "%", Connection = SendQueueOptions.ConnectionSettingName)] QueueMessage message, CancellationToken cancellationToken)
    {
        if (await processor.ProcessAsync(message, cancellationToken) is QueueDisposition.RetryByHost retry)
        {
            throw new MessageNotSentException(retry.Reason);
        }
    }
}
