using System.Diagnostics;
using ConversationSender.Credentials;
using ConversationSender.Idempotency;
using ConversationSender.Sinch;
using ConversationSender.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Sending;

/// <summary>
/// The idempotent coordination around a send with a key: claim the key, send unless it was sent (or is being sent)
/// already, look up an earlier ambiguous attempt in Sinch's list before any resend, settle the key with the outcome.
/// </summary>
public sealed partial class KeyedSend(
    SinchSend send,
    IdempotencyStore idempotency,
    SendReconciler reconciler,
    SenderMetrics metrics,
    IOptions<SinchOptions> sinchOptions,
    TimeProvider time,
    ILogger<KeyedSend> logger)
{
    /// <summary>The marker put in <c>message_metadata</c> of keyed sends: derived from the key, never the key.</summary>
    public static string Marker(string key) => "cs:" + IdempotencyStore.Hash(key)[..24];

    /// <summary>What Sinch would receive, app_id aside: the same request hashes the same, in the short or the full form.</summary>
    public static string Fingerprint(SendMessageRequest request) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(request, SinchJsonContext.Default.SendMessageRequest)));

    public async Task<SendOutcome> SendAsync(SendMessageRequest request, string key, string? trackingId, SendOrigin origin, CancellationToken cancellationToken)
    {
        IdempotencyClaim claim;
        try
        {
            claim = await idempotency.ClaimAsync(key, Fingerprint(request), cancellationToken);
        }
        catch (IdempotencyStoreUnavailableException ex)
        {
            return send.Log(new SendOutcome.Transient($"{ex.Message} Not sent, to avoid a duplicate.", RetryAfter: null));
        }
        catch (IdempotencyStoreMisconfiguredException ex)
        {
            // The table's account is not configured (no SendQueueStorage): an operator's fix, not the caller's.
            return send.Log(new SendOutcome.Misconfigured(ex.Message, ex.SettingName));
        }

        switch (claim)
        {
            case IdempotencyClaim.AlreadySent sent:
                LogAlreadySent(logger, sent.MessageId);
                return new SendOutcome.Accepted(sent.MessageId, sent.AcceptedTime, Replayed: true);
            case IdempotencyClaim.InFlight inFlight:
                LogInProgress(logger, inFlight.Since);
                return new SendOutcome.InProgress(inFlight.Since);
            case IdempotencyClaim.Cancelled cancelled:
                return new SendOutcome.Cancelled(cancelled.At);
            case IdempotencyClaim.UsedForAnotherRequest reused:
                LogKeyReused(logger, reused.FirstUsedAt);
                return new SendOutcome.KeyReused(reused.FirstUsedAt);
        }

        var claimed = (IdempotencyClaim.Claimed)claim;

        // Our marker in message_metadata (Sinch lists it as metadata), unless the caller set its own: it lets an
        // ambiguous attempt be found again exactly. Set after the fingerprint, which is of the caller's request.
        request = request.MessageMetadata is null ? request with { MessageMetadata = Marker(key) } : request;
        if (claimed.Unconfirmed is { } earlier && await ReconcileAsync(request, claimed, earlier, cancellationToken) is { } settled)
        {
            return await send.RecordAsync(settled, trackingId, request.CorrelationId);
        }

        var attemptStart = time.GetUtcNow();
        var outcome = await send.SendAsync(request, origin, cancellationToken);
        if (outcome is SendOutcome.Transient { MayHaveBeenSent: true } ambiguous && !sinchOptions.Value.RetryAmbiguousFailures)
        {
            // Not released: a blind resend could deliver it twice. The next attempt looks it up first, once Sinch lists it.
            await KeepUnconfirmedAsync(claimed, new IdempotencyClaim.UnconfirmedAttempt(attemptStart, time.GetUtcNow()));
            return new SendOutcome.Unconfirmed($"{ambiguous.Reason} Sinch may have taken it; it is looked up in Sinch's message list before any resend.",
                CheckAgainLater: true, CheckAgainAfter: sinchOptions.Value.ReconcileSettleTime);
        }

        // A completed key is the status lookup's record too: no second write for the same send.
        return await SettleClaimAsync(claimed, outcome, request.CorrelationId)
            ? outcome
            : await send.RecordAsync(outcome, trackingId, request.CorrelationId);
    }

    // Before resending a message whose last attempt was ambiguous: found → it was sent (no resend); not listed after the
    // settle time → it was not (send it, once); the list cannot be searched → do not resend, unless the operator chose to.
    private async Task<SendOutcome?> ReconcileAsync(SendMessageRequest request, IdempotencyClaim.Claimed claimed, IdempotencyClaim.UnconfirmedAttempt earlier, CancellationToken cancellationToken)
    {
        SendReconciler.Result result;
        try
        {
            result = await reconciler.FindAsync(request, earlier.Start, earlier.End, cancellationToken);
        }
        catch (Exception ex) when (ex is CredentialsUnavailableException or CredentialsMisconfiguredException)
        {
            result = new SendReconciler.Result.Unavailable(ex.Message);
        }

        var settleTime = sinchOptions.Value.ReconcileSettleTime;
        switch (result)
        {
            case SendReconciler.Result.Found found:
                metrics.Reconciled("reconciled_sent");
                LogReconciledSent(logger, found.MessageId);
                await SettleClaimAsync(claimed, new SendOutcome.Accepted(found.MessageId, found.AcceptTime), request.CorrelationId);
                return new SendOutcome.Accepted(found.MessageId, found.AcceptTime, Replayed: true);
            case SendReconciler.Result.NotFound when time.GetUtcNow() < earlier.End + settleTime:
                metrics.Reconciled("not_listed_yet");
                await KeepUnconfirmedAsync(claimed, earlier);
                return new SendOutcome.Unconfirmed("Not in Sinch's message list yet; Sinch lists messages with a delay, so it is looked up again later.",
                    CheckAgainLater: true, CheckAgainAfter: settleTime);
            case SendReconciler.Result.NotFound:
                metrics.Reconciled("reconciled_not_sent");
                LogReconciledNotSent(logger);
                return null;
            case SendReconciler.Result.Unavailable unavailable when sinchOptions.Value.RetryAmbiguousFailures:
                metrics.Reconciled("resent_unreconciled");
                LogResendingUnreconciled(logger, unavailable.Reason);
                return null;
            case SendReconciler.Result.Unavailable unavailable:
                metrics.Reconciled("parked_unconfirmed");
                LogParkedUnconfirmed(logger, unavailable.Reason);
                await KeepUnconfirmedAsync(claimed, earlier);
                return new SendOutcome.Unconfirmed($"Sinch may have taken this message, and its message list cannot be searched ({unavailable.Reason}); it is not resent blindly.", CheckAgainLater: false);
            default:
                throw new UnreachableException();
        }
    }

    private async Task KeepUnconfirmedAsync(IdempotencyClaim.Claimed claimed, IdempotencyClaim.UnconfirmedAttempt attempt)
    {
        try
        {
            await idempotency.MarkUnconfirmedAsync(claimed, attempt, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The claim stays in flight: after InFlightTimeout its taker treats it as ambiguous and looks it up first.
            LogUnconfirmedNotMarked(logger, ex);
        }
    }

    // Remembering a sent message matters more than the caller's cancellation: a retry would send it again. Nothing
    // thrown here reaches the caller: after acceptance the answer is the message id, whatever the table does.
    // Returns whether the key now records an accepted send (and so serves the status lookup by tracking id).
    private async Task<bool> SettleClaimAsync(IdempotencyClaim.Claimed claim, SendOutcome outcome, string? correlationId)
    {
        try
        {
            if (outcome is SendOutcome.Accepted accepted)
            {
                await idempotency.CompleteAsync(claim, accepted.MessageId, accepted.AcceptedTime, correlationId, CancellationToken.None);
                return true;
            }

            await idempotency.ReleaseAsync(claim, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Accepted but not recorded: the claim stays in flight; after InFlightTimeout a redelivery finds the message
            // in Sinch's list (reconciliation) instead of sending it again.
            LogOutcomeNotRecorded(logger, ex, outcome.GetType().Name);
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Already sent under this idempotency key as {MessageId}; not sending again.")]
    private static partial void LogAlreadySent(ILogger logger, string? messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another send with this idempotency key is in progress since {Since:O}.")]
    private static partial void LogInProgress(ILogger logger, DateTimeOffset since);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The idempotency key was first used at {FirstUsedAt:O} for a different message; not sent.")]
    private static partial void LogKeyReused(ILogger logger, DateTimeOffset firstUsedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled as sent: Sinch took the ambiguous attempt as {MessageId}; not sending again.")]
    private static partial void LogReconciledSent(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled as not sent: the ambiguous attempt is not in Sinch's message list; sending it now.")]
    private static partial void LogReconciledNotSent(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sinch's message list cannot be searched ({Reason}); resending as Sinch:RetryAmbiguousFailures allows.")]
    private static partial void LogResendingUnreconciled(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Parked unconfirmed: Sinch's message list cannot be searched ({Reason}); not resending.")]
    private static partial void LogParkedUnconfirmed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not mark the idempotency key unconfirmed.")]
    private static partial void LogUnconfirmedNotMarked(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the outcome under the idempotency key ({Outcome}).")]
    private static partial void LogOutcomeNotRecorded(ILogger logger, Exception exception, string outcome);
}
