using ConversationSender.Contract;
using ConversationSender.Sinch;

namespace ConversationSender.Validation;

/// <summary>
/// Checks an <see cref="OutboundMessage"/> against Sinch's first-stage rules before any I/O, and maps it
/// to the <c>messages:send</c> body. All problems are reported at once, each under its JSON path.
/// </summary>
public static class OutboundMessageValidator
{
    /// <summary>Reads and validates raw bytes in one go; <paramref name="message"/> is null when the JSON itself is unusable.</summary>
    public static MessageValidationResult Validate(BinaryData body, out OutboundMessage? message) =>
        OutboundMessageReader.TryRead(body, out message, out var readError)
            ? Validate(message!)
            : new MessageValidationResult(null, [readError!]);

    public static MessageValidationResult Validate(OutboundMessage message)
    {
        var errors = new FieldErrors();
        var check = new JsonFieldChecker(errors);
        CheckUnknownFields(message, errors);

        var isShort = message.To is not null || message.Text is not null;
        var isFull = message.Recipient is not null || message.Message is not null;
        var channelOrder = RecipientValidator.ValidateChannelOrder(message.ChannelPriorityOrder, errors);
        Recipient? recipient = null;
        AppMessage? appMessage = null;
        if (isShort && isFull)
        {
            errors.Add(new FieldError("to", "use either the short form (to, text) or the full form (recipient, message), not both"));
        }
        else if (isShort)
        {
            recipient = RecipientValidator.ValidateShortRecipient(message.To, errors);
            var channels = TargetChannels(recipient, channelOrder);
            if (RecipientValidator.RequireText(message.Text, "text", errors, "is required with to (short form)") is { } text)
            {
                AppMessageValidator.TextLength(text, "text", channels, check);
                appMessage = AppMessage.FromText(text);
            }
        }
        else
        {
            recipient = RecipientValidator.ValidateRecipient(message.Recipient, errors);
            var channels = TargetChannels(recipient, channelOrder);
            if (message.Message is null)
            {
                errors.Add(new FieldError("message", "is required (or use the short form: to, text)"));
            }
            else
            {
                AppMessageValidator.Validate(message.Message, "message", channels, check);
                appMessage = message.Message;
            }
        }

        var request = new SendMessageRequest
        {
            Recipient = recipient,
            Message = appMessage,
            CallbackUrl = SendOptionsValidator.ValidateCallbackUrl(message.CallbackUrl, errors),
            ChannelPriorityOrder = channelOrder,
            ChannelProperties = SendOptionsValidator.ValidateChannelProperties(message.ChannelProperties, errors),
            MessageMetadata = SendOptionsValidator.MaxLength(message.MessageMetadata, MessageContract.MessageMetadataMaxLength, "message_metadata", errors),
            ConversationMetadata = SendOptionsValidator.ValidateConversationMetadata(message.ConversationMetadata, errors),
            Queue = SendOptionsValidator.OneOf(message.Queue, MessageContract.Queues, "queue", errors),
            Ttl = SendOptionsValidator.ValidateTtl(message.Ttl, errors),
            ProcessingStrategy = SendOptionsValidator.OneOf(message.ProcessingStrategy, MessageContract.ProcessingStrategies, "processing_strategy", errors),
            CorrelationId = SendOptionsValidator.MaxLength(message.CorrelationId, MessageContract.CorrelationIdMaxLength, "correlation_id", errors),
            ConversationMetadataUpdateStrategy = SendOptionsValidator.OneOf(message.ConversationMetadataUpdateStrategy, MessageContract.MetadataUpdateStrategies, "conversation_metadata_update_strategy", errors),
            MessageContentType = SendOptionsValidator.OneOf(message.MessageContentType, MessageContract.ContentTypes, "message_content_type", errors),
        };
        ValidateIdempotencyKey(message.IdempotencyKey, errors);
        if (message.SendAt is not null && !ScheduledTime.TryParse(message.SendAt, out _))
        {
            errors.Add(new FieldError("send_at", "must be an RFC 3339 time with an offset, e.g. 2026-12-01T09:00:00+01:00"));
        }

        if (message.Traceparent is { } traceparent && !System.Diagnostics.ActivityContext.TryParse(traceparent, null, out _))
        {
            errors.Add(new FieldError("traceparent", "must be a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)"));
        }

        return errors.Count == 0 ? new MessageValidationResult(request, []) : new MessageValidationResult(null, errors.ToReport());
    }

    public static void ValidateIdempotencyKey(string? key, FieldErrors errors, string field = "idempotency_key")
    {
        if (key is not null && (string.IsNullOrWhiteSpace(key) || key.Length > MessageContract.IdempotencyKeyMaxLength || key.Any(char.IsControl)))
        {
            errors.Add(new FieldError(field, $"must be 1-{MessageContract.IdempotencyKeyMaxLength} printable characters"));
        }
    }

    /// <summary>A key given twice (body and header, or body and queue) must be the same key.</summary>
    public static FieldError? KeyConflict(string? inMessage, string? given) =>
        inMessage is not null && given is not null && inMessage != given
            ? new FieldError("idempotency_key", "differs from the Idempotency-Key given with the request; send one key")
            : null;

    private static void CheckUnknownFields(OutboundMessage message, FieldErrors errors)
    {
        foreach (var name in message.UnknownFields?.Keys ?? [])
        {
            errors.Add(name is "app_id" or "project_id"
                ? new FieldError(name, "is filled in by the service from its Sinch credentials; remove it")
                : new FieldError(name, "unknown field"));
        }
    }

    /// <summary>
    /// The channels a message may travel on, for per-channel text limits: the identities' channels and any the
    /// priority order adds. A priority order may name a channel the recipient has no identity on: Sinch refuses only
    /// a channel not configured on the app (which only Sinch knows), and in CONVERSATION mode the contact behind the
    /// identities may be reachable there.
    /// </summary>
    private static List<string> TargetChannels(Recipient? recipient, List<string>? channelOrder)
    {
        if (recipient?.IdentifiedBy?.ChannelIdentities is not { } identityList)
        {
            return channelOrder ?? [];
        }

        var channels = new List<string>(identityList.Count + (channelOrder?.Count ?? 0));
        foreach (var channel in identityList.Select(identity => identity.Channel!).Concat(channelOrder ?? []))
        {
            if (!channels.Contains(channel))
            {
                channels.Add(channel);
            }
        }

        return channels;
    }

}
