using Azure.Storage.Queues.Models;

namespace ConversationSender.IntegrationTests.Infrastructure;

/// <summary>Queue messages as the Functions host hands them to the trigger: received raw, then base64-decoded.</summary>
internal static class HostQueueMessages
{
    public static QueueMessage Decode(QueueMessage raw) =>
        QueuesModelFactory.QueueMessage(raw.MessageId, raw.PopReceipt, BinaryData.FromBytes(Convert.FromBase64String(raw.Body.ToString())), raw.DequeueCount, raw.NextVisibleOn, raw.InsertedOn, raw.ExpiresOn);

    /// <summary>The same message as a later delivery attempt would bring it.</summary>
    public static QueueMessage WithDequeueCount(QueueMessage message, long dequeueCount, string? popReceipt = null) =>
        QueuesModelFactory.QueueMessage(message.MessageId, popReceipt ?? message.PopReceipt, message.Body, dequeueCount, message.NextVisibleOn, message.InsertedOn, message.ExpiresOn);
}
