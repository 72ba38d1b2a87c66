using System.Text.Json;
using Azure.Storage.Queues.Models;
using ConversationSender.Idempotency;
using ConversationSender.RateLimiting;
using ConversationSender.Sending;
using ConversationSender.Sinch;
using ConversationSender.Storage;
using ConversationSender.Telemetry;
using ConversationSender.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Queueing;

/// <summary>
/// The queue path's policy. A message is sent; a permanent failure is dead-lettered at once; a transient failure, a
/// misconfiguration or a send in progress elsewhere puts a copy back on the queue, visible after an exponential
/// back-off (at least Sinch's <c>Retry-After</c>), until the message is <see cref="SendQueueOptions.MaxRetryAge"/>
/// old, and only then dead-letters it with the last reason. So an outage of hours is ridden out, not turned into a
/// backlog of dead letters after the host's few fixed-interval attempts.
/// </summary>
/// <remarks>
/// When Sinch itself is down, every message would fail alike, so none sleeps out a back-off of its own (which would
/// hold a backlog for up to <see cref="SendQueueOptions.RetryMaxDelay"/> after Sinch is back): it is put back for a
/// short, jittered <see cref="SendQueueOptions.OutageRecheckDelay"/> and, while the instance's circuit is open, without
/// calling Sinch at all. The circuit's half-open probe is the one call per break that finds Sinch back.
/// </remarks>
/// <remarks>
/// The copy carries the idempotency key the first attempt used (its own, or one derived from the original queue
/// message id), so a crash between writing the copy and completing the original can never send twice.
/// </remarks>
public sealed partial class QueuedMessageProcessor(
    SendService sendService,
    DeadLetterWriter deadLetters,
    SendQueueWriter queue,
    SendResiliencePipeline sinch,
    IOptions<SendQueueOptions> options,
    IOptions<IdempotencyOptions> idempotency,
    TimeProvider time,
    SenderMetrics metrics,
    ILogger<QueuedMessageProcessor> logger)
{
    public async Task<QueueDisposition> ProcessAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var retry = RetryEnvelope.Read(message.Body);
        var original = retry is null ? message.Body : BinaryData.FromString(retry.Message);
        var key = retry?.Retry.IdempotencyKey ?? $"queue:{options.Value.QueueName}:{message.MessageId}";
        var attempt = retry?.Retry.Attempt ?? 1;
        // Counted from the first attempt, not from when it was queued: a backlog that waited is not given up on sooner.
        var firstSeen = retry?.Retry.FirstSeen ?? time.GetUtcNow();
        if (message.InsertedOn is { } inserted)
        {
            metrics.QueueMessageProcessed(time.GetUtcNow() - inserted);
        }

        // Scheduled and visible too early (clock skew, a redelivery, a message put on the queue by hand): never sent
        // before send_at; it waits again, its retry age counted from send_at.
        if (ScheduledFor(original) is { } sendAt && sendAt - time.GetUtcNow() > ScheduledTime.SendNowWithin)
        {
            var wait = sendAt - time.GetUtcNow();
            try
            {
                await queue.RequeueAsync(Envelope(original, key, attempt, Later(firstSeen, sendAt), $"Scheduled for {sendAt:O}."), wait < ScheduledTime.MaxAhead ? wait : ScheduledTime.MaxAhead, cancellationToken);
            }
            catch (Exception ex) when (StorageFailure.Is(ex, cancellationToken))
            {
                LogNextStepNotWritten(logger, message.MessageId, ex.GetType().Name);
                return new QueueDisposition.RetryByHost($"Scheduled for {sendAt:O}, and its wait could not be written: {ex.Message}");
            }

            return new QueueDisposition.Completed("scheduled");
        }

        if (sinch.SinchIsDown)
        {
            // No attempt: this instance's circuit is open, so a send would fail fast anyway; the attempt count stays.
            return await RecheckWhileDownAsync(message, original, key, attempt, firstSeen, cancellationToken);
        }

        var outcome = await sendService.SendAsync(original, idempotencyKey: null, fallbackKey: key, cancellationToken, SendOrigin.Queue);

        try
        {
            return outcome switch
            {
                SendOutcome.Transient { SinchIsDown: true } down => await RetryLaterAsync(message, original, key, attempt, firstSeen, down.Reason, Recheck(down.RetryAfter), down, cancellationToken),
                SendOutcome.Accepted => new QueueDisposition.Completed("sent"),
                SendOutcome.Cancelled => new QueueDisposition.Completed("cancelled"),
                // Opted out: a refusal the status lookup shows, not a failure to retry or dead-letter.
                SendOutcome.Suppressed => new QueueDisposition.Completed("suppressed"),
                SendOutcome.Rejected rejected => await DeadLetterAsync(message, original, "rejected", rejected.Reason, attempt, rejected, null, cancellationToken),
                SendOutcome.KeyReused reused => await DeadLetterAsync(message, original, "key_reused", $"Its idempotency key was first used at {reused.FirstUsedAt:O} for a message with other content; not sent.", attempt, null, null, cancellationToken),
                SendOutcome.Transient transient => await RetryLaterAsync(message, original, key, attempt, firstSeen, transient.Reason, Backoff(attempt, transient.RetryAfter), transient, cancellationToken),
                SendOutcome.Misconfigured misconfigured => await RetryLaterAsync(message, original, key, attempt, firstSeen, $"Not sent until {misconfigured.SettingName} is fixed: {misconfigured.Reason}", Backoff(attempt, null), null, cancellationToken),
                SendOutcome.Unconfirmed { CheckAgainLater: true } unconfirmed => await RetryLaterAsync(message, original, key, attempt, firstSeen, unconfirmed.Reason, Max(unconfirmed.CheckAgainAfter ?? TimeSpan.Zero, Backoff(attempt, null)), null, cancellationToken),
                SendOutcome.Unconfirmed unconfirmed => await DeadLetterAsync(message, original, "unconfirmed", unconfirmed.Reason, attempt, null, null, cancellationToken),
                SendOutcome.InProgress inProgress => await RetryLaterAsync(message, original, key, attempt, firstSeen, $"Another attempt at this message is in progress since {inProgress.Since:O}.", idempotency.Value.InFlightTimeout, null, cancellationToken),
                _ => throw new System.Diagnostics.UnreachableException($"Unknown outcome {outcome.GetType().Name}."),
            };
        }
        catch (Exception ex) when (StorageFailure.Is(ex, cancellationToken) || ex is MessageTooLargeException)
        {
            // Neither a copy nor a dead letter could be written: the message itself must stay, so the host retries it.
            LogNextStepNotWritten(logger, message.MessageId, ex.GetType().Name);
            return new QueueDisposition.RetryByHost($"{Describe(outcome)}; and its next step could not be written: {ex.Message}");
        }
    }

    private async Task<QueueDisposition> RecheckWhileDownAsync(QueueMessage message, BinaryData original, string key, int attempt, DateTimeOffset firstSeen, CancellationToken cancellationToken)
    {
        const string reason = "Sinch is failing; sends are paused for a moment (circuit open).";
        try
        {
            return await RetryLaterAsync(message, original, key, attempt, firstSeen, reason, Recheck(null), null, cancellationToken, attempted: false);
        }
        catch (Exception ex) when (StorageFailure.Is(ex, cancellationToken) || ex is MessageTooLargeException)
        {
            LogNextStepNotWritten(logger, message.MessageId, ex.GetType().Name);
            return new QueueDisposition.RetryByHost($"{reason} And its next check could not be written: {ex.Message}");
        }
    }

    /// <summary>
    /// The wait before re-checking a message that failed because Sinch is down: short, so that a backlog goes out
    /// soon after Sinch is back, and spread (±25 %) so that it does not come back as a herd; never under Retry-After.
    /// </summary>
    private TimeSpan Recheck(TimeSpan? retryAfter)
    {
        var nominal = options.Value.OutageRecheckDelay.TotalMilliseconds;
        var jittered = TimeSpan.FromMilliseconds(nominal * (0.75 + (Random.Shared.NextDouble() * 0.5)));
        return retryAfter is { } asked && asked > jittered ? asked : jittered;
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1: doubling from the base, capped, jittered, never under Retry-After.</summary>
    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var settings = options.Value;
        var doubled = settings.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(doubled, settings.RetryMaxDelay.TotalMilliseconds);

        // Between half and all of it: a backlog that failed together does not come back together.
        var jittered = TimeSpan.FromMilliseconds(capped / 2 + (Random.Shared.NextDouble() * capped / 2));
        return retryAfter is { } asked && asked > jittered ? asked : jittered;
    }

    private static RetryEnvelope Envelope(BinaryData original, string key, int attempt, DateTimeOffset firstSeen, string reason) =>
        new(new RetryEnvelope.RetryState(attempt, firstSeen, key, reason), original.ToString());

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    // Only the top-level send_at: the send service reads and validates the whole message later. Most messages have
    // none, and a byte search spares them a second parse on the per-message path.
    private static DateTimeOffset? ScheduledFor(BinaryData message)
    {
        if (message.ToMemory().Span.IndexOf("send_at"u8) < 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Utf8ByteOrderMark.Strip(message).ToMemory());
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("send_at", out var value) && value.ValueKind == JsonValueKind.String
                && ScheduledTime.TryParse(value.GetString(), out var at) ? at : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<QueueDisposition> RetryLaterAsync(
        QueueMessage message, BinaryData original, string key, int attempt, DateTimeOffset firstSeen, string reason, TimeSpan delay, SendOutcome.Transient? transient, CancellationToken cancellationToken, bool attempted = true)
    {
        // Not attempted (Sinch known down): the same attempt comes next.
        var next = attempted ? attempt + 1 : attempt;
        var age = time.GetUtcNow() - firstSeen;
        if (age + delay > options.Value.MaxRetryAge)
        {
            return await DeadLetterAsync(message, original, "gave_up", $"Still failing after {next - 1} attempts over {age.TotalMinutes:F0} min: {reason}", attempt, null, transient, cancellationToken);
        }

        await queue.RequeueAsync(Envelope(original, key, next, firstSeen, reason), delay, cancellationToken);
        if (attempted)
        {
            LogRetryLater(logger, message.MessageId, attempt, next, delay);
        }
        else
        {
            LogRecheckLater(logger, message.MessageId, next, delay);
        }

        return new QueueDisposition.Completed("requeued");
    }

    private async Task<QueueDisposition> DeadLetterAsync(
        QueueMessage message, BinaryData original, string outcome, string reason, int attempt, SendOutcome.Rejected? rejected, SendOutcome.Transient? transient, CancellationToken cancellationToken)
    {
        await deadLetters.WriteAsync(new DeadLetterEntry
        {
            Outcome = outcome,
            Reason = reason,
            Errors = rejected?.Errors.Count > 0 ? [.. rejected.Errors.Take(FieldErrors.MaxListed + 1)] : null,
            UpstreamStatus = (int?)(rejected?.UpstreamStatus ?? transient?.UpstreamStatus),
            SinchStatus = rejected?.SinchStatus,
            OriginalMessageId = message.MessageId,
            QueueName = options.Value.QueueName,
            DequeueCount = attempt,
            InsertedOn = message.InsertedOn,
            FailedOn = time.GetUtcNow(),
            OriginalMessage = original.ToString(),
        }, cancellationToken);

        metrics.DeadLettered(outcome);
        LogDeadLettered(logger, message.MessageId, deadLetters.QueueName, outcome);
        return new QueueDisposition.Completed("dead-lettered");
    }

    private static string Describe(SendOutcome outcome) => outcome switch
    {
        SendOutcome.Transient t => t.Reason,
        SendOutcome.Misconfigured m => m.Reason,
        SendOutcome.Rejected r => r.Reason,
        _ => outcome.GetType().Name,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message {QueueMessageId}: could not write its next step ({Error}); the host will deliver it again.")]
    private static partial void LogNextStepNotWritten(ILogger logger, string queueMessageId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue message {QueueMessageId}: attempt {Attempt} failed; attempt {Next} in {Delay}.")]
    private static partial void LogRetryLater(ILogger logger, string queueMessageId, int attempt, int next, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue message {QueueMessageId}: Sinch is down (circuit open), not attempted; attempt {Next} in {Delay}.")]
    private static partial void LogRecheckLater(ILogger logger, string queueMessageId, int next, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message {QueueMessageId} moved to {DeadLetterQueue} ({Outcome}).")]
    private static partial void LogDeadLettered(ILogger logger, string queueMessageId, string deadLetterQueue, string outcome);
}
