using System.Globalization;
using System.Text.Json;
using ConversationSender.Contract;
using ConversationSender.Sinch;

namespace ConversationSender.Validation;

/// <summary>
/// Checks an <see cref="OutboundMessage"/> against Sinch's first-stage rules before any I/O, and maps it
/// to the <c>messages:send</c> body. All problems are reported at once, each under its JSON path.
/// </summary>
public static class OutboundMessageValidator
{
    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

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
        var channelOrder = ValidateChannelOrder(message.ChannelPriorityOrder, errors);
        Recipient? recipient = null;
        AppMessage? appMessage = null;
        if (isShort && isFull)
        {
            errors.Add(new FieldError("to", "use either the short form (to, text) or the full form (recipient, message), not both"));
        }
        else if (isShort)
        {
            recipient = ValidateShortRecipient(message.To, errors);
            var channels = TargetChannels(recipient, channelOrder);
            if (RequireText(message.Text, "text", errors, "is required with to (short form)") is { } text)
            {
                AppMessageValidator.TextLength(text, "text", channels, check);
                appMessage = AppMessage.FromText(text);
            }
        }
        else
        {
            recipient = ValidateRecipient(message.Recipient, errors);
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
            CallbackUrl = ValidateCallbackUrl(message.CallbackUrl, errors),
            ChannelPriorityOrder = channelOrder,
            ChannelProperties = ValidateChannelProperties(message.ChannelProperties, errors),
            MessageMetadata = MaxLength(message.MessageMetadata, MessageContract.MessageMetadataMaxLength, "message_metadata", errors),
            ConversationMetadata = ValidateConversationMetadata(message.ConversationMetadata, errors),
            Queue = OneOf(message.Queue, MessageContract.Queues, "queue", errors),
            Ttl = ValidateTtl(message.Ttl, errors),
            ProcessingStrategy = OneOf(message.ProcessingStrategy, MessageContract.ProcessingStrategies, "processing_strategy", errors),
            CorrelationId = MaxLength(message.CorrelationId, MessageContract.CorrelationIdMaxLength, "correlation_id", errors),
            ConversationMetadataUpdateStrategy = OneOf(message.ConversationMetadataUpdateStrategy, MessageContract.MetadataUpdateStrategies, "conversation_metadata_update_strategy", errors),
            MessageContentType = OneOf(message.MessageContentType, MessageContract.ContentTypes, "message_content_type", errors),
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

    private static Recipient? ValidateShortRecipient(ShortRecipient? to, FieldErrors errors)
    {
        if (to is null)
        {
            errors.Add(new FieldError("to", "is required with text (short form)"));
            return null;
        }

        var channel = ValidateChannel(to.Channel, "to.channel", errors);
        var identity = RequireText(to.Identity, "to.identity", errors);
        return channel is null || identity is null
            ? null
            : new Recipient { IdentifiedBy = new IdentifiedBy { ChannelIdentities = new[] { new ChannelIdentity { Channel = channel, Identity = identity } } } };
    }

    private static Recipient? ValidateRecipient(Recipient? recipient, FieldErrors errors)
    {
        if (recipient is null)
        {
            errors.Add(new FieldError("recipient", "is required (or use the short form: to, text)"));
            return null;
        }

        if ((recipient.ContactId is null) == (recipient.IdentifiedBy is null))
        {
            errors.Add(new FieldError("recipient", "must have exactly one of contact_id or identified_by"));
            return null;
        }

        if (recipient.ContactId is not null)
        {
            return RequireText(recipient.ContactId, "recipient.contact_id", errors) is { } contactId ? new Recipient { ContactId = contactId } : null;
        }

        var identities = recipient.IdentifiedBy!.ChannelIdentities;
        if (identities is null || identities.Count == 0)
        {
            errors.Add(new FieldError("recipient.identified_by.channel_identities", "must list at least one channel identity"));
            return null;
        }

        if (identities.Count > MessageContract.MaxChannels)
        {
            errors.Add(new FieldError("recipient.identified_by.channel_identities", $"must list at most {MessageContract.MaxChannels} channel identities"));
            return null;
        }

        var valid = true;
        for (var i = 0; i < identities.Count; i++)
        {
            var path = $"recipient.identified_by.channel_identities[{i}]";
            var item = identities[i];
            if (item is null)
            {
                errors.Add(new FieldError(path, "must be an object with channel and identity"));
                valid = false;
                continue;
            }

            var channel = ValidateChannel(item.Channel, $"{path}.channel", errors);
            valid &= channel is not null & RequireText(item.Identity, $"{path}.identity", errors) is not null;
            item.Channel = channel ?? item.Channel;
        }

        return valid ? recipient : null;
    }

    private static string? ValidateCallbackUrl(string? url, FieldErrors errors)
    {
        if (url is not null && !JsonFieldChecker.IsHttpUrl(url))
        {
            errors.Add(new FieldError("callback_url", "must be an absolute http(s) URL"));
            return null;
        }

        return url;
    }

    private static List<string>? ValidateChannelOrder(IList<string>? order, FieldErrors errors)
    {
        if (order is null)
        {
            return null;
        }

        if (order.Count > MessageContract.MaxChannels)
        {
            errors.Add(new FieldError("channel_priority_order", $"must list at most {MessageContract.MaxChannels} channels"));
            return null;
        }

        var normalized = new List<string>(order.Count);
        for (var i = 0; i < order.Count; i++)
        {
            if (ValidateChannel(order[i], $"channel_priority_order[{i}]", errors) is { } channel)
            {
                normalized.Add(channel);
            }
        }

        return normalized;
    }

    // Keys are open: Sinch adds channel properties (SMS_SENDER, MESSENGER_MESSAGING_TYPE, …) more often than channels.
    private static IDictionary<string, string>? ValidateChannelProperties(IDictionary<string, string>? properties, FieldErrors errors)
    {
        // Most messages have none: no empty dictionary and enumerator per message to say so.
        if (properties is null)
        {
            return null;
        }

        foreach (var (key, value) in properties)
        {
            if (value is null)
            {
                errors.Add(new FieldError($"channel_properties.{key}", "must be a string"));
            }
            else if (value.Length > MessageContract.ChannelPropertyMaxLength)
            {
                errors.Add(new FieldError($"channel_properties.{key}", $"must be at most {MessageContract.ChannelPropertyMaxLength} characters"));
            }
        }

        return properties;
    }

    private static JsonElement? ValidateConversationMetadata(JsonElement? metadata, FieldErrors errors)
    {
        if (metadata is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("conversation_metadata", "must be a JSON object"));
        }
        else if (value.GetRawText().Length > MessageContract.ConversationMetadataMaxLength)
        {
            errors.Add(new FieldError("conversation_metadata", $"must be at most {MessageContract.ConversationMetadataMaxLength} characters of JSON"));
        }

        return value;
    }

    private static string? ValidateTtl(JsonElement? ttl, FieldErrors errors)
    {
        if (ttl is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        long? seconds = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String => ParseTtlSeconds(value.GetString()!),
            _ => null,
        };

        if (seconds is null)
        {
            errors.Add(new FieldError("ttl", "must be whole seconds, as a number (600) or a string (\"600s\")"));
            return null;
        }

        if (seconds is < MessageContract.TtlMinSeconds or > MessageContract.TtlMaxSeconds)
        {
            errors.Add(new FieldError("ttl", $"must be between {MessageContract.TtlMinSeconds} and {MessageContract.TtlMaxSeconds} seconds"));
            return null;
        }

        return $"{seconds.Value.ToString(CultureInfo.InvariantCulture)}s";
    }

    private static string? ValidateChannel(string? channel, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(channel))
        {
            errors.Add(new FieldError(field, "is required"));
            return null;
        }

        var known = ConversationChannels.Normalize(channel);
        if (known is null)
        {
            errors.Add(new FieldError(field, $"unknown channel '{Shorten(channel)}'; expected {ConversationChannels.Expected(errors)}"));
        }

        return known;
    }

    private static string? OneOf(string? value, IReadOnlyList<string> allowed, string field, FieldErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(new FieldError(field, $"unknown value '{Shorten(value)}'; expected one of {string.Join(", ", allowed)}"));
            return null;
        }

        return value;
    }

    private static string? MaxLength(string? value, int max, string field, FieldErrors errors)
    {
        if (value is not null && value.Length > max)
        {
            errors.Add(new FieldError(field, $"must be at most {max} characters"));
        }

        return value;
    }

    private static string? RequireText(string? value, string field, FieldErrors errors, string message = "is required")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new FieldError(field, message));
            return null;
        }

        return value;
    }

    // Enum-like values are echoed to help the caller, but never at length.
    private static string Shorten(string value) => value.Length <= 32 ? value : value[..32] + "…";

    // "600", "600s", " 600 s ": digits, an optional unit, spaces around. One pass, no regular expression.
    internal static long? ParseTtlSeconds(string text)
    {
        var span = text.AsSpan().Trim();
        if (span.EndsWith("s", StringComparison.Ordinal))
        {
            span = span[..^1].TrimEnd();
        }

        return span.Length is >= 1 and <= 15 && !span.ContainsAnyExcept(Digits)
            && long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
    }
}
