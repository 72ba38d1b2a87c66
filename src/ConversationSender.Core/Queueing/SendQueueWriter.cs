using System.Text.Json;
using System.Text;
using System.Text.Json.Nodes;
using ConversationSender.Storage;
using ConversationSender.Telemetry;
using Microsoft.Extensions.Options;

namespace ConversationSender.Queueing;

/// <summary>
/// Puts messages on the send queue (base64, as the trigger reads them), each carrying an
/// <c>idempotency_key</c> so that a redelivered queue message is never sent twice.
/// </summary>
public sealed class SendQueueWriter(StorageClientFactory storage, IOptions<SendQueueOptions> options)
{
    /// <summary>The queue service's limit for a message, after base64 encoding.</summary>
    public const int MaxEncodedBytes = 64 * 1024;

    /// <returns>The message's idempotency key, which is also its tracking id.</returns>
    /// <exception cref="MessageTooLargeException">The message does not fit in a queue message.</exception>
    /// <param name="visibleAfter">For a scheduled send: how long the message stays invisible (its lifetime grows by as much).</param>
    public async Task<string> EnqueueAsync(JsonObject message, string? idempotencyKey, TimeSpan? visibleAfter, CancellationToken cancellationToken)
    {
        var key = message["idempotency_key"]?.GetValue<string>() ?? idempotencyKey ?? NewTrackingId();
        message["idempotency_key"] = key;
        if (message["traceparent"] is null && SenderTracing.CurrentTraceparent() is { } traceparent)
        {
            // Its send, whenever the trigger runs it, continues the trace of the request that queued it.
            message["traceparent"] = traceparent;
        }

        var json = message.ToJsonString();
        var encodedLength = (Encoding.UTF8.GetByteCount(json) + 2) / 3 * 4;
        if (encodedLength > MaxEncodedBytes)
        {
            throw new MessageTooLargeException($"The message is {encodedLength} bytes once base64-encoded; a queue message holds at most {MaxEncodedBytes}.");
        }

        var queue = await storage.GetQueueAsync(options.Value.QueueName, cancellationToken);
        if (visibleAfter is { } delay)
        {
            // It must outlive its wait, and then its retries.
            await queue.SendMessageAsync(json, visibilityTimeout: TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds)), timeToLive: delay + options.Value.MaxRetryAge + TimeSpan.FromDays(1), cancellationToken: cancellationToken);
        }
        else
        {
            await queue.SendMessageAsync(json, cancellationToken);
        }

        return key;
    }

    /// <summary>Puts a retry copy on the send queue, visible after <paramref name="delay"/> (a later attempt).</summary>
    /// <exception cref="MessageTooLargeException">It no longer fits in a queue message.</exception>
    public async Task RequeueAsync(RetryEnvelope envelope, TimeSpan delay, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(envelope, RelaxedQueueingJson.Context.RetryEnvelope);
        var encodedLength = (Encoding.UTF8.GetByteCount(json) + 2) / 3 * 4;
        if (encodedLength > MaxEncodedBytes)
        {
            throw new MessageTooLargeException($"The retry copy is {encodedLength} bytes once base64-encoded; a queue message holds at most {MaxEncodedBytes}.");
        }

        // The queue counts visibility in whole seconds and drops the rest: 800 ms would become "now". Rounded up, a
        // wait is never shorter than asked.
        var visibility = TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds));
        var queue = await storage.GetQueueAsync(options.Value.QueueName, cancellationToken);
        // It must outlive its wait, and then its retries (a scheduled copy may wait up to seven days).
        await queue.SendMessageAsync(json, visibilityTimeout: visibility, timeToLive: visibility + options.Value.MaxRetryAge + TimeSpan.FromDays(1), cancellationToken: cancellationToken);
    }

    private static string NewTrackingId() => "trk_" + Guid.CreateVersion7().ToString("N");
}
