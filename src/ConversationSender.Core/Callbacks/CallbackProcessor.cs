using System.Text.Json;
using ConversationSender.Consent;
using ConversationSender.Credentials;
using ConversationSender.Storage;
using ConversationSender.Telemetry;
using ConversationSender.Tracking;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Callbacks;

/// <summary>
/// Verifies a Sinch callback (signature over the raw body, timestamp window, unused nonce), records delivery
/// reports in the status store, forwards them if configured, and accepts other event kinds with a log line.
/// </summary>
public sealed partial class CallbackProcessor(
    WebhookSecretStore secrets,
    NonceRegistry nonces,
    DeliveryStatusStore statuses,
    ConsentCallbackHandler consent,
    StorageClientFactory storage,
    IOptions<WebhookOptions> options,
    IOptions<ConsentOptions> consentOptions,
    TimeProvider time,
    SenderMetrics metrics,
    ILogger<CallbackProcessor> logger)
{
    public async Task<CallbackOutcome> ProcessAsync(ReadOnlyMemory<byte> rawBody, string? nonce, string? timestamp, string? signature, CancellationToken cancellationToken)
    {
        var outcome = await ProcessOnceAsync(rawBody, nonce, timestamp, signature, cancellationToken);
        metrics.CallbackReceived(outcome switch
        {
            CallbackOutcome.Accepted => "accepted",
            CallbackOutcome.Unauthorized => "unauthorized",
            CallbackOutcome.Invalid => "invalid",
            _ => "unavailable",
        });
        return outcome;
    }

    private async Task<CallbackOutcome> ProcessOnceAsync(ReadOnlyMemory<byte> rawBody, string? nonce, string? timestamp, string? signature, CancellationToken cancellationToken)
    {
        string secret;
        try
        {
            secret = await secrets.GetAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is CredentialsMisconfiguredException or CredentialsUnavailableException)
        {
            LogCannotVerify(logger, ex.Message);
            return new CallbackOutcome.Unavailable(ex.Message);
        }

        var verification = WebhookSignature.Verify(secret, rawBody.Span, nonce, timestamp, signature, time.GetUtcNow(), options.Value.TimestampTolerance);
        if (verification == WebhookVerification.Valid && !nonces.TryUse(nonce!))
        {
            verification = WebhookVerification.ReplayedNonce;
        }

        if (verification != WebhookVerification.Valid)
        {
            LogRefused(logger, verification);
            return new CallbackOutcome.Unauthorized(verification);
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(rawBody);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new CallbackOutcome.Invalid("The callback body is not JSON.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new CallbackOutcome.Invalid("The callback body is not a JSON object.");
        }

        var (trigger, payloadKey) = CallbackTrigger.Of(root);
        if (trigger != CallbackTrigger.MessageDelivery)
        {
            return await ForwardAsync(root, trigger, payloadKey, nonce!, cancellationToken);
        }

        var report = root.GetProperty("message_delivery_report");

        var messageId = Read(report, "message_id");
        var status = Read(report, "status");
        if (messageId is null || status is null || !DeliveryStatusStore.IsValidKey(messageId))
        {
            return new CallbackOutcome.Invalid("The delivery report has no usable message_id or status.");
        }

        var reason = report.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
        var channel = report.TryGetProperty("channel_identity", out var identity) && identity.ValueKind == JsonValueKind.Object ? Read(identity, "channel") : null;
        var eventTime = Read(root, "event_time") is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed) ? parsed : time.GetUtcNow();
        var statusEvent = new StatusEvent(status, eventTime, channel, reason.ValueKind == JsonValueKind.Object ? Read(reason, "code") : null, reason.ValueKind == JsonValueKind.Object ? Read(reason, "description") : null);
        try
        {
            if (statuses.Enabled)
            {
                await statuses.RecordReportAsync(messageId, statusEvent, Read(root, "correlation_id"), cancellationToken);
            }

            if (!string.IsNullOrWhiteSpace(options.Value.ForwardQueueName))
            {
                var forward = await storage.GetQueueAsync(options.Value.ForwardQueueName, cancellationToken);
                await forward.SendMessageAsync(BinaryData.FromBytes(rawBody), cancellationToken: cancellationToken);
            }
        }
        catch (Exception ex) when (StorageFailure.Is(ex, CancellationToken.None) || ex is StorageNotConfiguredException)
        {
            LogNotRecorded(logger, ex, messageId);

            // Sinch's redelivery carries the same nonce: it must not be refused as a replay.
            nonces.Release(nonce!);
            return new CallbackOutcome.Unavailable("The status store is unavailable.");
        }

        LogStatus(logger, messageId, status);
        return new CallbackOutcome.Accepted("message_delivery_report");
    }

    // Inbound messages, events and notifications: onto the inbound queue for the user's own consumer, if configured.
    // Keywords and Sinch's OPT_OUT / OPT_IN change the suppression list first, and go on flagged with what was done.
    private async Task<CallbackOutcome> ForwardAsync(JsonElement root, string trigger, string? payloadKey, string nonce, CancellationToken cancellationToken)
    {
        ConsentHandling? handled = null;
        if (consent.Handles(trigger))
        {
            try
            {
                handled = await consent.HandleAsync(root.GetProperty(payloadKey!), trigger, cancellationToken);
            }
            catch (Exception ex) when (StorageFailure.Is(ex, CancellationToken.None) || ex is CredentialsMisconfiguredException or ConsentReplyUnavailableException)
            {
                LogConsentNotRecorded(logger, ex, trigger);
                nonces.Release(nonce); // Sinch sends it again with the same nonce
                return new CallbackOutcome.Unavailable("The suppression list or the reply is unavailable.");
            }
        }

        if (!options.Value.Forwards(trigger) || !storage.IsConfigured || (handled is not null && !consentOptions.Value.ForwardKeywords))
        {
            LogOtherEvent(logger, trigger);
            return new CallbackOutcome.Accepted(trigger);
        }

        try
        {
            var queue = await storage.GetQueueAsync(options.Value.InboundQueueName!, cancellationToken);
            await queue.SendMessageAsync(BinaryData.FromString(InboundEnvelope.For(root, trigger, payloadKey, time.GetUtcNow(), handled).ToJsonString()), cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (StorageFailure.Is(ex, CancellationToken.None) || ex is StorageNotConfiguredException)
        {
            LogNotForwarded(logger, ex, trigger);
            nonces.Release(nonce); // Sinch sends it again with the same nonce
            return new CallbackOutcome.Unavailable("The inbound queue is unavailable.");
        }

        LogForwarded(logger, trigger, options.Value.InboundQueueName!);
        return new CallbackOutcome.Accepted(trigger);
    }

    private static string? Read(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot verify Sinch callbacks: {Reason}")]
    private static partial void LogCannotVerify(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Sinch callback: {Reason}.")]
    private static partial void LogRefused(ILogger logger, WebhookVerification reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Forwarded a Sinch {Trigger} callback to {Queue}.")]
    private static partial void LogForwarded(ILogger logger, string trigger, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not forward a Sinch {Trigger} callback; Sinch will deliver it again.")]
    private static partial void LogNotForwarded(ILogger logger, Exception exception, string trigger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record or confirm a Sinch {Trigger} opt-out / opt-in; Sinch will deliver it again.")]
    private static partial void LogConsentNotRecorded(ILogger logger, Exception exception, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted a Sinch {EventKind} callback (not forwarded: not in Webhooks:InboundTriggers).")]
    private static partial void LogOtherEvent(ILogger logger, string eventKind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the delivery report of {MessageId}; Sinch will deliver it again.")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} is {Status}.")]
    private static partial void LogStatus(ILogger logger, string messageId, string status);
}
