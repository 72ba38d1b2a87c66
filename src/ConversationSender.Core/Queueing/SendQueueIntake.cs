using System.Text.Json;
using System.Text.Json.Nodes;
using ConversationSender.Sending;
using ConversationSender.Validation;

namespace ConversationSender.Queueing;

/// <summary>
/// Accepts messages for sending later: each is validated exactly as a direct send would be, and only valid
/// ones are queued. A batch is judged item by item: one bad item never blocks the others.
/// </summary>
public sealed class SendQueueIntake(SendQueueWriter writer)
{
    public const int MaxBatchSize = 100;

    public async Task<QueueIntakeResult> AcceptAsync(BinaryData body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var validation = OutboundMessageValidator.Validate(body, out var message);
        if (!validation.IsValid)
        {
            return new QueueIntakeResult.Invalid(validation.Errors);
        }

        if (SendService.KeyConflict(message!.IdempotencyKey, idempotencyKey) is { } conflict)
        {
            return new QueueIntakeResult.Invalid([conflict]);
        }

        try
        {
            return new QueueIntakeResult.Queued(await writer.EnqueueAsync(JsonNode.Parse(body.ToMemory().Span)!.AsObject(), idempotencyKey, cancellationToken));
        }
        catch (MessageTooLargeException ex)
        {
            return new QueueIntakeResult.Invalid([new FieldError("$", ex.Message)]);
        }
    }

    /// <summary>A body <c>{"messages": [ … ]}</c> of 1 to <see cref="MaxBatchSize"/> messages.</summary>
    /// <returns>One result per item in order, or a single error about the batch itself.</returns>
    public async Task<(IReadOnlyList<QueueIntakeResult>? Items, FieldError? BatchError)> AcceptBatchAsync(BinaryData body, CancellationToken cancellationToken)
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
            .Select(item => AcceptAsync(BinaryData.FromString(item.GetRawText()), idempotencyKey: null, cancellationToken))
            .ToList();
        return (await Task.WhenAll(items), null);
    }
}
