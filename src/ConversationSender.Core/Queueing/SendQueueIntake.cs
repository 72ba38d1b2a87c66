using System.Text.Json;
using System.Text.Json.Nodes;
using ConversationSender.Idempotency;
using ConversationSender.Sending;
using ConversationSender.Storage;
using ConversationSender.Validation;

namespace ConversationSender.Queueing;

/// <summary>
/// Accepts messages for sending later: each is validated exactly as a direct send would be, and only valid
/// ones are queued. A batch is judged item by item: one bad item, or one that storage could not take, never blocks
/// the others. With a key, a message already queued under it is not queued again (a retried request or batch).
/// </summary>
public sealed class SendQueueIntake(SendQueueWriter writer, IdempotencyStore idempotency, TimeProvider time)
{
    public const int MaxBatchSize = 100;

    /// <summary>The most errors one batch answer lists, over all its items.</summary>
    public const int MaxBatchErrors = 200;

    public async Task<QueueIntakeResult> AcceptAsync(BinaryData body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var validation = OutboundMessageValidator.Validate(body, out var message);
        if (!validation.IsValid)
        {
            return new QueueIntakeResult.Invalid(validation.Errors);
        }

        if (OutboundMessageValidator.KeyConflict(message!.IdempotencyKey, idempotencyKey) is { } conflict)
        {
            return new QueueIntakeResult.Invalid([conflict]);
        }

        // Scheduled: invisible on the queue until send_at (the queue's limit: seven days); the past or the next second is now.
        var now = time.GetUtcNow();
        var delay = message.SendAt is not null && ScheduledTime.TryParse(message.SendAt, out var sendAt) ? sendAt - now : TimeSpan.Zero;
        if (ScheduledTime.TooFarAhead(now + delay, now) is { } tooFar)
        {
            return new QueueIntakeResult.Invalid([tooFar]);
        }

        var key = message.IdempotencyKey ?? idempotencyKey;
        try
        {
            // Checked before and marked after the enqueue: a crash in between queues a second copy, which the send
            // side then recognises by its key (sent once); the other order could lose the message.
            if (key is not null && idempotency.Enabled && await idempotency.WasQueuedAsync(key, cancellationToken))
            {
                return new QueueIntakeResult.Queued(key);
            }

            var trackingId = await writer.EnqueueAsync(JsonNode.Parse(Utf8ByteOrderMark.Strip(body).ToMemory().Span)!.AsObject(), key, delay > ScheduledTime.SendNowWithin ? delay : null, cancellationToken);
            // Remembered under the caller's key (a retried request queues nothing twice) and for a scheduled message
            // under its tracking id too (so that it can be cancelled while it waits).
            if (idempotency.Enabled && (key is not null || delay > ScheduledTime.SendNowWithin))
            {
                await MarkQueuedAsync(trackingId, delay > ScheduledTime.SendNowWithin ? time.GetUtcNow() + delay : null);
            }

            return new QueueIntakeResult.Queued(trackingId);
        }
        catch (MessageTooLargeException ex)
        {
            return new QueueIntakeResult.Invalid([new FieldError("$", ex.Message)]);
        }
        catch (Exception ex) when (ex is IdempotencyStoreUnavailableException || StorageFailure.Is(ex, cancellationToken))
        {
            return new QueueIntakeResult.NotQueued("The send queue's storage is unavailable now; offer the message again (with the same key, it is queued once).");
        }
    }

    /// <summary>Cancels a queued (typically scheduled) message by its tracking id, unless it was sent or is being sent.</summary>
    /// <returns>Null when the id cannot be a tracking id; the store's answer otherwise.</returns>
    public async Task<Cancellation?> CancelAsync(string trackingId, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        OutboundMessageValidator.ValidateIdempotencyKey(trackingId, errors, "trackingId");
        return errors.Count > 0 || !idempotency.Enabled ? null : await idempotency.CancelAsync(trackingId, cancellationToken);
    }

    // The message is on the queue: failing to remember that costs at most a second copy, never the caller's answer.
    private async Task MarkQueuedAsync(string key, DateTimeOffset? sendAt)
    {
        try
        {
            await idempotency.MarkQueuedAsync(key, sendAt, CancellationToken.None);
        }
        catch (IdempotencyStoreUnavailableException)
        {
        }
    }

    /// <summary>A body <c>{"messages": [ … ]}</c> of 1 to <see cref="MaxBatchSize"/> messages.</summary>
    /// <param name="batchKey">The batch's own idempotency key: item <c>i</c> without a key of its own gets <c>{batchKey}:{i}</c>.</param>
    /// <returns>One result per item in order, or a single error about the batch itself.</returns>
    public async Task<(IReadOnlyList<QueueIntakeResult>? Items, FieldError? BatchError)> AcceptBatchAsync(BinaryData body, string? batchKey, CancellationToken cancellationToken)
    {
        JsonElement messages;
        try
        {
            using var document = JsonDocument.Parse(body.ToMemory());
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("messages", out var list)
                || list.ValueKind != JsonValueKind.Array)
            {
                return (null, new FieldError("messages", "is required: an array of messages"));
            }

            messages = list.Clone();
        }
        catch (JsonException ex)
        {
            return (null, new FieldError("$", $"the batch is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})"));
        }

        var count = messages.GetArrayLength();
        if (count is 0 or > MaxBatchSize)
        {
            return (null, new FieldError("messages", $"must hold 1 to {MaxBatchSize} messages (has {count})"));
        }

        var items = messages.EnumerateArray()
            .Select((item, index) => AcceptAsync(BinaryData.FromString(item.GetRawText()), ItemKey(item, batchKey, index), cancellationToken))
            .ToList();
        return (BoundErrors(await Task.WhenAll(items)), null);
    }

    // A batch answer stays small whatever the batch holds: at most MaxBatchErrors errors over all items (an item past
    // that is reported invalid without its errors), and the list of channels spelled out once.
    private static QueueIntakeResult[] BoundErrors(QueueIntakeResult[] items)
    {
        var listed = 0;
        var channelsListed = false;
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i] is not QueueIntakeResult.Invalid invalid)
            {
                continue;
            }

            var errors = invalid.Errors.Take(Math.Max(0, MaxBatchErrors - listed))
                .Select(e => channelsListed ? ConversationChannels.WithoutListing(e) : e).ToList();
            channelsListed |= errors.Any(ConversationChannels.ListsChannels);
            if (errors.Count < invalid.Errors.Count)
            {
                errors.Add(new FieldError("$", $"{invalid.Errors.Count - errors.Count} more problems not listed: a batch answer lists at most {MaxBatchErrors}"));
            }

            listed += errors.Count;
            items[i] = new QueueIntakeResult.Invalid(errors);
        }

        return items;
    }

    // An item's own key wins; one derived from the batch key is given only to items without one (never both).
    private static string? ItemKey(JsonElement item, string? batchKey, int index) =>
        batchKey is null || (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("idempotency_key", out _)) ? null : $"{batchKey}:{index}";
}
