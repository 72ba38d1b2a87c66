using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using ConversationSender.Consent;
using ConversationSender.Credentials;
using ConversationSender.Idempotency;
using ConversationSender.Sinch;
using ConversationSender.Storage;
using ConversationSender.Telemetry;
using ConversationSender.Tracking;
using ConversationSender.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Sending;

/// <summary>
/// The one path every message takes, whichever trigger brought it: read → validate → claim the idempotency
/// key → credentials → Sinch → remember the result. It never throws for a message's own fault or Sinch's
/// answer; the <see cref="SendOutcome"/> says what happened.
/// </summary>
public sealed partial class SendService(
    ConversationClient client,
    IdempotencyStore idempotency,
    DeliveryStatusStore statuses,
    SendReconciler reconciler,
    RecipientFilter consent,
    SenderMetrics metrics,
    IOptions<SinchOptions> sinchOptions,
    IOptions<StatusTrackingOptions> tracking,
    TimeProvider time,
    ILogger<SendService> logger)
{
    /// <remarks>A <see cref="ValueTask{TResult}"/> from a pool, as every method on the send path: await it once.</remarks>
    public ValueTask<SendOutcome> SendAsync(BinaryData body, CancellationToken cancellationToken) =>
        SendAsync(body, idempotencyKey: null, fallbackKey: null, cancellationToken);

    /// <param name="idempotencyKey">A key given with the request (the HTTP header); must match the message's own <c>idempotency_key</c> if both are given.</param>
    /// <param name="fallbackKey">Used when neither gives a key (e.g. one derived from a queue message id).</param>
    /// <param name="scheduled">True for a queued send whose <c>send_at</c> (if any) has been waited for; a send now refuses one.</param>
    /// <param name="confirmsConsent">
    /// True only for the confirmation of an opt-out or opt-in (and a HELP answer): it goes past the suppression it confirms.
    /// Every other send has its opted-out identities dropped before Sinch is called.
    /// </param>
    /// <remarks>
    /// Every async step of a send is a frame that suspends and resumes on real sockets, so a send without a key takes
    /// one frame here (the call to Sinch inlined) and a keyed send one more (<see cref="SendKeyedAsync"/>).
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<SendOutcome> SendAsync(BinaryData body, string? idempotencyKey, string? fallbackKey, CancellationToken cancellationToken, bool scheduled = false, bool confirmsConsent = false)
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
        if (KeyConflict(message.IdempotencyKey, idempotencyKey) is { } conflict)
        {
            return Measured(LogRejected(new SendOutcome.Rejected("The message is invalid.", [conflict])), channel, started);
        }

        if (message.SendAt is not null && !scheduled)
        {
            return Measured(LogRejected(new SendOutcome.Rejected("The message is invalid.",
                [new FieldError("send_at", "schedules a queued send (?mode=queue, the batch route, or a message on the send queue); this route sends now")])), channel, started);
        }

        var trackingId = message.IdempotencyKey ?? idempotencyKey;
        var key = trackingId ?? fallbackKey;
        // Every line of this send carries the correlation id and the key's hash (never the key).
        using var scope = SendScope(logger, request.CorrelationId ?? Activity.Current?.TraceId.ToString(), key is null ? null : IdempotencyStore.Hash(key)[..16]);
        LogSending(logger, new MaskedRecipients(request));

        if (key is not null && idempotency.Enabled)
        {
            return Measured(await SendKeyedAsync(request, key, trackingId, confirmsConsent, cancellationToken), channel, started);
        }

        var (allowed, refused) = await CheckConsentAsync(request, confirmsConsent, cancellationToken);
        if (refused is not null)
        {
            return Measured(await RecordAsync(refused, trackingId, request.CorrelationId), channel, started);
        }

        SendOutcome sent;
        try
        {
            sent = Accepted(await client.SendAsync(allowed!, cancellationToken));
        }
        catch (Exception ex) when (Failure(ex) is { } failure)
        {
            sent = failure;
        }

        return Measured(await RecordAsync(Log(sent), trackingId, request.CorrelationId), channel, started);
    }

    // Claim the key, send unless it was sent (or is being sent) already, settle the key with the outcome.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SendOutcome> SendKeyedAsync(SendMessageRequest request, string key, string? trackingId, bool confirmsConsent, CancellationToken cancellationToken)
    {
        IdempotencyClaim claim;
        try
        {
            claim = await idempotency.ClaimAsync(key, Fingerprint(request), cancellationToken);
        }
        catch (IdempotencyStoreUnavailableException ex)
        {
            return Log(new SendOutcome.Transient($"{ex.Message} Not sent, to avoid a duplicate.", RetryAfter: null));
        }
        catch (CredentialsMisconfiguredException ex)
        {
            // The table's account is not configured (no SendQueueStorage): an operator's fix, not the caller's.
            return Log(new SendOutcome.Misconfigured(ex.Message, ex.SettingName));
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
            return await RecordAsync(settled, trackingId, request.CorrelationId);
        }

        // Checked at send time, after the claim: a scheduled message whose recipient opted out meanwhile is not sent, and
        // the fingerprint stays the caller's request whatever the list says.
        var (allowed, refused) = await CheckConsentAsync(request, confirmsConsent, cancellationToken);
        if (refused is not null)
        {
            await SettleClaimAsync(claimed, refused, request.CorrelationId);
            return await RecordAsync(refused, trackingId, request.CorrelationId);
        }

        request = allowed!;
        var attemptStart = time.GetUtcNow();
        SendOutcome outcome;
        try
        {
            outcome = Log(Accepted(await client.SendAsync(request, cancellationToken)));
        }
        catch (Exception ex) when (Failure(ex) is { } failure)
        {
            outcome = Log(failure);
        }

        if (outcome is SendOutcome.Transient { MayHaveBeenSent: true } ambiguous && !sinchOptions.Value.RetryAmbiguousFailures)
        {
            // Not released: a blind resend could deliver it twice. The next attempt looks it up first.
            await KeepUnconfirmedAsync(claimed, new IdempotencyClaim.UnconfirmedAttempt(attemptStart, time.GetUtcNow()));
            return new SendOutcome.Unconfirmed($"{ambiguous.Reason} Sinch may have taken it; it is looked up in Sinch's message list before any resend.", CheckAgainLater: true);
        }

        // A completed key is the status lookup's record too: no second write for the same send.
        return await SettleClaimAsync(claimed, outcome, request.CorrelationId)
            ? outcome
            : await RecordAsync(outcome, trackingId, request.CorrelationId);
    }

    private SendOutcome Measured(SendOutcome outcome, string channel, long started)
    {
        metrics.Sent(MetricName(outcome), channel, time.GetElapsedTime(started));
        return outcome;
    }

    /// <summary>The marker this service puts in <c>message_metadata</c> of keyed sends: derived from the key, never the key.</summary>
    public static string Marker(string key) => "cs:" + IdempotencyStore.Hash(key)[..24];

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

        switch (result)
        {
            case SendReconciler.Result.Found found:
                metrics.Reconciled("reconciled_sent");
                LogReconciledSent(logger, found.MessageId);
                await SettleClaimAsync(claimed, new SendOutcome.Accepted(found.MessageId, found.AcceptTime), request.CorrelationId);
                return new SendOutcome.Accepted(found.MessageId, found.AcceptTime, Replayed: true);
            case SendReconciler.Result.NotFound when time.GetUtcNow() < earlier.End + sinchOptions.Value.ReconcileSettleTime:
                metrics.Reconciled("not_listed_yet");
                await KeepUnconfirmedAsync(claimed, earlier);
                return new SendOutcome.Unconfirmed("Not in Sinch's message list yet; Sinch lists messages with a delay, so it is looked up again later.", CheckAgainLater: true);
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

    // What Sinch would receive, app_id aside (the client fills it in later): the same request always hashes the same,
    // whichever form (short or full) the caller wrote it in.
    public static string Fingerprint(SendMessageRequest request) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(request, SinchJsonContext.Default.SendMessageRequest)));

    // Opted-out identities are dropped before Sinch is called; none left: refused. An unreadable list: not sent (a send
    // is never made unchecked), and retried like any outage.
    private async ValueTask<(SendMessageRequest? Request, SendOutcome? Refused)> CheckConsentAsync(SendMessageRequest request, bool confirmsConsent, CancellationToken cancellationToken)
    {
        if (confirmsConsent || !consent.Enabled)
        {
            return (request, null);
        }

        try
        {
            var (allowed, refusal) = await consent.FilterAsync(request, cancellationToken);
            if (refusal is not null)
            {
                LogSuppressed(logger, refusal.Category, refusal.Since, refusal.Source);
                return (null, new SendOutcome.Suppressed(refusal.Category, refusal.Since, refusal.Source));
            }

            if (!ReferenceEquals(allowed, request))
            {
                LogNarrowed(logger, request.Recipient!.IdentifiedBy!.ChannelIdentities!.Count - allowed!.Recipient!.IdentifiedBy!.ChannelIdentities!.Count);
            }

            return (allowed, null);
        }
        catch (SuppressionListUnavailableException ex)
        {
            return (null, Log(new SendOutcome.Transient($"{ex.Message} Not sent unchecked.", RetryAfter: null)));
        }
    }

    // The status lookup must know a message before its first report arrives; a failure here costs only that.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SendOutcome> RecordAsync(SendOutcome outcome, string? trackingId, string? correlationId)
    {
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
                // Sinch has the message: whatever the status table does, the caller gets the message id (a failure
                // here must never turn into an error that makes the caller send again).
                LogStatusNotRecorded(logger, ex, accepted.MessageId);
            }
        }

        return outcome;
    }

    /// <summary>A key given twice (body and header, or body and queue) must be the same key.</summary>
    public static FieldError? KeyConflict(string? inMessage, string? given) =>
        inMessage is not null && given is not null && inMessage != given
            ? new FieldError("idempotency_key", "differs from the Idempotency-Key given with the request; send one key")
            : null;

    // Remembering a sent message matters more than the caller's cancellation: a retry would send it again. Nothing
    // thrown here reaches the caller: after acceptance the answer is the message id, whatever the table does.
    /// <returns>Whether the key now records an accepted send (and so serves the status lookup by tracking id).</returns>
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

    // Sinch's answers and the credential store's failures, as outcomes; anything else (the caller's cancellation, a
    // bug) is not an outcome and propagates.
    private SendOutcome? Failure(Exception exception) => exception switch
    {
        // Refused again after the handler read the key anew: an operator's fix.
        SinchAuthenticationException ex => new SendOutcome.Misconfigured(
            $"Sinch refused the access key (HTTP {(int?)ex.StatusCode}); check {client.AccessKeySettingNames} and the Sinch project.",
            client.AccessKeySettingNames),
        SinchRejectedException ex => new SendOutcome.Rejected(
            ex.Message + RejectionHint(ex.StatusCode),
            ex.Error?.FieldViolations.Select(v => new FieldError(v.Field, v.Description)).ToList() ?? [],
            ex.StatusCode,
            ex.Error?.Status),
        SinchUnavailableException ex => new SendOutcome.Transient(ex.Message, ex.RetryAfter, ex.StatusCode, ex.MayHaveBeenSent),
        CredentialsMisconfiguredException ex => new SendOutcome.Misconfigured(ex.Message, ex.SettingName),
        CredentialsUnavailableException ex => new SendOutcome.Transient(ex.Message, RetryAfter: null),
        _ => null,
    };

    // What usually causes these answers (API reference §4.3), so the caller knows where to look.
    private static string RejectionHint(HttpStatusCode? status) => status switch
    {
        HttpStatusCode.Forbidden => " (Sinch denies access: check the access key's project permissions and the account's billing or trial limits.)",
        HttpStatusCode.NotFound => " (Sinch found no such project or app here: check Sinch:Region matches the app's region, and the project and app ids.)",
        _ => "",
    };

    private static string MetricName(SendOutcome outcome) => outcome switch
    {
        SendOutcome.Accepted { Replayed: true } => "replayed",
        SendOutcome.Accepted => "accepted",
        SendOutcome.Rejected => "rejected",
        SendOutcome.Transient => "transient",
        SendOutcome.Unconfirmed => "unconfirmed",
        SendOutcome.InProgress => "in_progress",
        SendOutcome.KeyReused => "key_reused",
        SendOutcome.Cancelled => "cancelled",
        SendOutcome.Suppressed => "suppressed",
        SendOutcome.Misconfigured => "misconfigured",
        _ => "other",
    };

    // Masked only when a log line is written: the generated logger calls ToString after its level check.
    private readonly record struct MaskedRecipients(SendMessageRequest Request)
    {
        public override string ToString() =>
            Request.Recipient?.ContactId is { } contact
                ? $"contact {IdentityMask.Mask(contact)}"
                : string.Join(", ", Request.Recipient?.IdentifiedBy?.ChannelIdentities?.Select(i => $"{i.Channel} {IdentityMask.Mask(i.Identity)}") ?? []);
    }

    // A 2xx is Sinch taking the message, with or without an id: sending it again would deliver it twice.
    private SendOutcome.Accepted Accepted(SendMessageResponse response) =>
        new(string.IsNullOrEmpty(response.MessageId) ? null : response.MessageId, response.AcceptedTime ?? time.GetUtcNow());

    // Not the field names either: an unknown field's name is whatever the caller wrote, a phone number included.
    private SendOutcome.Rejected LogRejected(SendOutcome.Rejected rejected)
    {
        LogRejectedBeforeSending(logger, rejected.Errors.Count);
        return rejected;
    }

    // Only the outcome's kind, status and ids: the message's identities and texts never reach a log.
    private SendOutcome Log(SendOutcome outcome)
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

    private static readonly Func<ILogger, string?, string?, IDisposable?> SendScope =
        LoggerMessage.DefineScope<string?, string?>("CorrelationId {CorrelationId}, IdempotencyKeyHash {IdempotencyKeyHash}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not sent: every recipient opted out ({Category}, since {Since:O}, from {Source}).")]
    private static partial void LogSuppressed(ILogger logger, ConsentCategory category, DateTimeOffset since, ConsentSource source);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Dropped} opted-out channel identities dropped from the recipient.")]
    private static partial void LogNarrowed(ILogger logger, int dropped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending to {Recipients}.")]
    private static partial void LogSending(ILogger logger, MaskedRecipients recipients);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record message {MessageId} in the status store.")]
    private static partial void LogStatusNotRecorded(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the outcome under the idempotency key ({Outcome}).")]
    private static partial void LogOutcomeNotRecorded(ILogger logger, Exception exception, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message rejected before sending with {ErrorCount} field errors.")]
    private static partial void LogRejectedBeforeSending(ILogger logger, int errorCount);

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
