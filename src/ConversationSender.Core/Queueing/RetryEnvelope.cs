using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConversationSender.Queueing;

/// <summary>
/// A copy queued for a later attempt: <c>{"retry": {attempt, first_seen, idempotency_key, last_reason}, "message": "…"}</c>,
/// the caller's message inside as a string, byte for byte as it was written.
/// </summary>
public sealed record RetryEnvelope([property: JsonRequired] RetryEnvelope.RetryState Retry, [property: JsonRequired] string Message)
{
    /// <summary>The envelope <paramref name="body"/> is, or null when it is a caller's message (anything else).</summary>
    public static RetryEnvelope? Read(BinaryData body)
    {
        try
        {
            return JsonSerializer.Deserialize(body.ToMemory().Span, QueueingJsonContext.Default.RetryEnvelope) is { Message: not null, Retry.IdempotencyKey: not null } envelope
                ? envelope
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Which attempt comes next, since when the message is tried, under which key, and why the last one failed.</summary>
    public sealed record RetryState(
        [property: JsonRequired] int Attempt,
        [property: JsonRequired] DateTimeOffset FirstSeen,
        [property: JsonRequired] string IdempotencyKey,
        string? LastReason);
}
