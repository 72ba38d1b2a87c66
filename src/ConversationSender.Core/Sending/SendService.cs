using System.Diagnostics;
using ConversationSender.Idempotency;
using ConversationSender.Sinch;
using ConversationSender.Telemetry;
using ConversationSender.Tracking;
using ConversationSender.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Sending;

/// <summary>
/// The one path every message takes, whichever trigger brought it: read → validate → (with a key: the idempotent
/// coordination, <see cref="KeyedSend"/>) → Sinch (<see cref="SinchSend"/>) → remember the result. It never throws
/// for a message's own fault or Sinch's answer; the <see cref="SendOutcome"/> says what happened.
/// </summary>
public sealed partial class SendService(
    SinchSend send,
    KeyedSend keyed,
    IdempotencyStore idempotency,
    SenderMetrics metrics,
    IOptions<StatusTrackingOptions> tracking,
    TimeProvider time,
    ILogger<SendService> logger)
{
    public Task<SendOutcome> SendAsync(BinaryData body, CancellationToken cancellationToken) =>
        SendAsync(body, idempotencyKey: null, fallbackKey: null, cancellationToken);

    /// <param name="idempotencyKey">A key given with the request (the HTTP header); must match the message's own <c>idempotency_key</c> if both are given.</param>
    /// <param name="fallbackKey">Used when neither gives a key (e.g. one derived from a queue message id).</param>
    /// <param name="origin">
    /// Where the send comes from (<see cref="SendOrigin"/>): only a queued one may carry <c>send_at</c>, it waits behind callers
    /// for the rate budget, and only a consent reply goes past the suppression list (<see cref="ConsentGate"/>).
    /// </param>
    public async Task<SendOutcome> SendAsync(BinaryData body, string? idempotencyKey, string? fallbackKey, CancellationToken cancellationToken, SendOrigin origin = SendOrigin.Caller)
    {
        var started = time.GetTimestamp();
        var validation = OutboundMessageValidator.Validate(body, out var message);
        if (!validation.IsValid)
        {
            return Measured(LogRejected(new SendOutcome.Rejected(
                message is null ? "The message is not valid JSON of the expected shape." : "The message is invalid.", validation.Errors)), "unknown", started);
        }

        var request = validation.Request!;
        if (request.CallbackUrl is null && tracking.Value.CallbackUrl is { } callbackUrl)
        {
            request = request with { CallbackUrl = callbackUrl };
        }

        using var activity = SenderTracing.StartSend(message!.Traceparent);
        // For the metrics: the channel of the first identity ("contact" for a contact id).
        var channel = request.Recipient?.IdentifiedBy?.ChannelIdentities?.FirstOrDefault()?.Channel ?? "contact";
        if (OutboundMessageValidator.KeyConflict(message.IdempotencyKey, idempotencyKey) is { } conflict)
        {
            return Measured(LogRejected(new SendOutcome.Rejected("The message is invalid.", [conflict])), channel, started);
        }

        if (message.SendAt is not null && origin != SendOrigin.Queue)
        {
            return Measured(LogRejected(new SendOutcome.Rejected("The message is invalid.",
                [new FieldError("send_at", "schedules a queued send (?mode=queue, the batch route, or a message on the send queue); this route sends now")])), channel, started);
        }

        var trackingId = message.IdempotencyKey ?? idempotencyKey;
        var key = trackingId ?? fallbackKey;
        // Every line of this send carries the correlation id and the key's hash (never the key).
        using var scope = SendScope(logger, request.CorrelationId ?? Activity.Current?.TraceId.ToString(), key is null ? null : IdempotencyStore.Hash(key)[..16]);
        LogSending(logger, new MaskedRecipients(request));

        var outcome = key is not null && idempotency.Enabled
            ? await keyed.SendAsync(request, key, trackingId, origin, cancellationToken)
            : await send.RecordAsync(await send.SendAsync(request, origin, cancellationToken), trackingId, request.CorrelationId);
        return Measured(outcome, channel, started);
    }

    private SendOutcome Measured(SendOutcome outcome, string channel, long started)
    {
        metrics.Sent(FailureOutcome.MetricName(outcome), channel, time.GetElapsedTime(started));
        return outcome;
    }

    // Not the field names either: an unknown field's name is whatever the caller wrote, a phone number included.
    private SendOutcome.Rejected LogRejected(SendOutcome.Rejected rejected)
    {
        LogRejectedBeforeSending(logger, rejected.Errors.Count);
        return rejected;
    }

    // Masked only when a log line is written: the generated logger calls ToString after its level check.
    private readonly record struct MaskedRecipients(SendMessageRequest Request)
    {
        public override string ToString() =>
            Request.Recipient?.ContactId is { } contact
                ? $"contact {IdentityMask.Mask(contact)}"
                : string.Join(", ", Request.Recipient?.IdentifiedBy?.ChannelIdentities?.Select(i => $"{i.Channel} {IdentityMask.Mask(i.Identity)}") ?? []);
    }

    private static readonly Func<ILogger, string?, string?, IDisposable?> SendScope =
        LoggerMessage.DefineScope<string?, string?>("CorrelationId {CorrelationId}, IdempotencyKeyHash {IdempotencyKeyHash}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending to {Recipients}.")]
    private static partial void LogSending(ILogger logger, MaskedRecipients recipients);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message rejected before sending with {ErrorCount} field errors.")]
    private static partial void LogRejectedBeforeSending(ILogger logger, int errorCount);
}
