using ConversationSender.RateLimiting;
using ConversationSender.Sinch;
using ConversationSender.Tracking;
using Microsoft.Extensions.Logging;

namespace ConversationSender.Sending;

/// <summary>
/// The send itself: the suppression list's say (<see cref="ConsentGate"/>), one message to Sinch (retries inside the
/// client's pipeline), its result as a logged <see cref="SendOutcome"/>, and the result recorded for the status lookup.
/// </summary>
public sealed partial class SinchSend(ConversationClient client, ConsentGate consent, DeliveryStatusStore statuses, TimeProvider time, ILogger<SinchSend> logger)
{
    public async Task<SendOutcome> SendAsync(SendMessageRequest request, SendOrigin origin, CancellationToken cancellationToken)
    {
        var (allowed, refused) = await consent.CheckAsync(request, confirmsConsent: origin == SendOrigin.ConsentReply, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        SendOutcome outcome;
        try
        {
            var response = await client.SendAsync(allowed!, origin == SendOrigin.Queue ? SendPriority.Backlog : SendPriority.Caller, cancellationToken);

            // A 2xx is Sinch taking the message, with or without an id: sending it again would deliver it twice.
            outcome = new SendOutcome.Accepted(string.IsNullOrEmpty(response.MessageId) ? null : response.MessageId, response.AcceptedTime ?? time.GetUtcNow());
        }
        catch (Exception ex) when (FailureOutcome.From(ex, client.AccessKeySettingNames) is { } failure)
        {
            outcome = failure;
        }

        return Log(outcome);
    }

    /// <summary>
    /// The status lookup must know a message before its first report arrives; a failure here costs only that, never
    /// the caller's answer (Sinch has the message: an error here must not make the caller send again).
    /// </summary>
    public async Task<SendOutcome> RecordAsync(SendOutcome outcome, string? trackingId, string? correlationId)
    {
        // Opted out: the tracking id's status says so (the queue completes the message; the lookup explains why).
        if (outcome is SendOutcome.Suppressed suppressed && trackingId is not null && statuses.Enabled)
        {
            try
            {
                await statuses.RecordRefusedAsync(trackingId, DeliveryStatusStore.Suppressed, suppressed.Since, correlationId, CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogStatusNotRecorded(logger, ex, "(suppressed)");
            }
        }

        if (outcome is SendOutcome.Accepted { Replayed: false, MessageId: not null } accepted && statuses.Enabled)
        {
            try
            {
                await statuses.RecordSentAsync(accepted.MessageId, accepted.AcceptedTime, trackingId, correlationId, CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogStatusNotRecorded(logger, ex, accepted.MessageId);
            }
        }

        return outcome;
    }

    /// <summary>Logs an outcome: only its kind, status and ids; the message's identities and texts never reach a log.</summary>
    public SendOutcome Log(SendOutcome outcome)
    {
        switch (outcome)
        {
            case SendOutcome.Accepted { MessageId: null }:
                LogAcceptedWithoutId(logger);
                break;
            case SendOutcome.Accepted accepted:
                LogAccepted(logger, accepted.MessageId);
                break;
            case SendOutcome.Rejected rejected:
                LogRejectedBySinch(logger, (int?)rejected.UpstreamStatus, rejected.SinchStatus, rejected.Errors.Count);
                break;
            case SendOutcome.Transient { MayHaveBeenSent: true } ambiguous:
                LogAmbiguous(logger, (int?)ambiguous.UpstreamStatus, ambiguous.Reason);
                break;
            case SendOutcome.Transient transient:
                LogTransient(logger, (int?)transient.UpstreamStatus, transient.RetryAfter, transient.Reason);
                break;
            case SendOutcome.Misconfigured misconfigured:
                LogMisconfigured(logger, misconfigured.SettingName, misconfigured.Reason);
                break;
        }

        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record message {MessageId} in the status store.")]
    private static partial void LogStatusNotRecorded(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sinch accepted the message but answered without a message_id; it is not sent again.")]
    private static partial void LogAcceptedWithoutId(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sinch accepted message {MessageId}.")]
    private static partial void LogAccepted(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sinch rejected the message ({UpstreamStatus} {SinchStatus}) with {ErrorCount} field errors.")]
    private static partial void LogRejectedBySinch(ILogger logger, int? upstreamStatus, string? sinchStatus, int errorCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Send failed ambiguously ({UpstreamStatus}): Sinch may have taken it, so a retry may duplicate it. {Reason}")]
    private static partial void LogAmbiguous(ILogger logger, int? upstreamStatus, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Send failed for now ({UpstreamStatus}), retry after {RetryAfter}. {Reason}")]
    private static partial void LogTransient(ILogger logger, int? upstreamStatus, TimeSpan? retryAfter, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Send impossible until {SettingName} is fixed: {Reason}")]
    private static partial void LogMisconfigured(ILogger logger, string settingName, string reason);
}
