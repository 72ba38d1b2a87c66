using System.Text;
using System.Text.Json.Nodes;
using ConversationSender.Idempotency;
using ConversationSender.Storage;
using Microsoft.Extensions.Options;

namespace ConversationSender.Queueing;

/// <summary>
/// Puts messages on the send queue (base64, as the trigger reads them), each carrying an
/// <c>idempotency_key</c> so that a redelivered queue message is never sent twice.
/// </summary>
public sealed class SendQueueWriter(StorageClientFactory storage, IOptions<SendQueueOptions> options, IOptions<IdempotencyOptions> idempotency)
{
    /// <summary>The queue service's limit for a message, after base64 encoding.</summary>
    public const int MaxEncodedBytes = 64 * 1024;

    /// <returns>The message's idempotency key, which is also its tracking id.</returns>
    /// <exception cref="MessageTooLargeException">The message does not fit in a queue message.</exception>
    public async Task<string> EnqueueAsync(JsonObject message, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var key = message["idempotency_key"]?.GetValue<string>() ?? idempotencyKey ?? NewTrackingId();
        message["idempotency_key"] = key;
        var json = message.ToJsonString();
        var encodedLength = (Encoding.UTF8.GetByteCount(json) + 2) / 3 * 4;
        if (encodedLength > MaxEncodedBytes)
        {
            throw new MessageTooLargeException($"The message is {encodedLength} bytes once base64-encoded; a queue message holds at most {MaxEncodedBytes}.");
        }

        var queue = await storage.GetQueueAsync(options.Value.QueueName, cancellationToken);
        await queue.SendMessageAsync(json, cancellationToken);
        return key;
    }

    /// <summary>
    /// Puts a copy of a message whose send is still in progress elsewhere back on the queue, under the key that
    /// attempt holds, visible again once that claim could be taken over: the copy then finds the message sent (and
    /// stops) or sends it. Used on a message's last delivery, where throwing would park it in -poison while the
    /// other attempt might still fail.
    /// </summary>
    public async Task RequeueInProgressAsync(BinaryData body, string idempotencyKey, CancellationToken cancellationToken)
    {
        var message = JsonNode.Parse(body.ToMemory().Span)!.AsObject();
        message["idempotency_key"] ??= idempotencyKey;
        var queue = await storage.GetQueueAsync(options.Value.QueueName, cancellationToken);
        await queue.SendMessageAsync(message.ToJsonString(), visibilityTimeout: idempotency.Value.InFlightTimeout, cancellationToken: cancellationToken);
    }

    private static string NewTrackingId() => "trk_" + Guid.CreateVersion7().ToString("N");
}
