using ConversationSender.Contract;
using ConversationSender.Sinch;

namespace ConversationSender.Validation;

/// <summary>Who a message goes to: the short form's <c>to</c>, the full form's <c>recipient</c>, and the channel names both use.</summary>
internal static class RecipientValidator
{
    public static Recipient? ValidateShortRecipient(ChannelIdentity? to, FieldErrors errors)
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
            : new Recipient { IdentifiedBy = new IdentifiedBy { ChannelIdentities = new[] { new ChannelIdentity { Channel = channel, Identity = identity, AppId = to.AppId } } } };
    }

    public static Recipient? ValidateRecipient(Recipient? recipient, FieldErrors errors)
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

    public static List<string>? ValidateChannelOrder(IList<string>? order, FieldErrors errors)
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

    public static string? ValidateChannel(string? channel, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(channel))
        {
            errors.Add(new FieldError(field, "is required"));
            return null;
        }

        var known = ConversationChannels.Normalize(channel);
        if (known is null)
        {
            errors.Add(new FieldError(field, $"unknown channel '{SendOptionsValidator.Shorten(channel)}'; expected {ConversationChannels.Expected(errors)}"));
        }

        return known;
    }

    public static string? RequireText(string? value, string field, FieldErrors errors, string message = "is required")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new FieldError(field, message));
            return null;
        }

        return value;
    }
}
