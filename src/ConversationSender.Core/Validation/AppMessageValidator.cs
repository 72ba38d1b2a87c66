using System.Globalization;
using System.Text.Json;
using ConversationSender.Contract;
using ConversationSender.Sinch;

namespace ConversationSender.Validation;

/// <summary>
/// Sinch's first-stage rules for the <c>message</c> object and every kind in it. Fields not named here
/// are left as they are: Sinch adds optional fields over time and they must reach it untouched.
/// </summary>
internal static class AppMessageValidator
{

    /// <param name="channels">Where the message may go, for per-channel limits; empty when unknown (contact_id).</param>
    public static void Validate(AppMessage message, string path, IReadOnlyCollection<string> channels, JsonFieldChecker check) =>
        ValidateKinds(message.Fields, path, channels, check, omni: false);

    private static void ValidateKinds(IEnumerable<KeyValuePair<string, JsonElement>> fields, string path, IReadOnlyCollection<string> channels, JsonFieldChecker check, bool omni)
    {
        var contentKinds = omni ? MessageContract.OmniContentKinds : MessageContract.ContentKinds;
        var found = new List<string>();
        foreach (var (key, value) in fields)
        {
            var field = $"{path}.{key}";
            if (contentKinds.Contains(key))
            {
                found.Add(key);
            }
            else if (omni || !MessageContract.OverrideKinds.Contains(key))
            {
                check.Add(field, $"unknown message kind; expected one of {string.Join(", ", omni ? contentKinds : contentKinds.Concat(MessageContract.OverrideKinds))}");
                continue;
            }

            if (value.ValueKind == JsonValueKind.Null || !check.IsObject(value, field))
            {
                continue;
            }

            ValidateKind(key, value, field, channels, check);
        }

        if (found.Count == 0)
        {
            check.Add(path, $"must contain one message kind: {string.Join(", ", contentKinds)}");
        }
        else if (found.Count > 1)
        {
            check.Add(path, $"must contain exactly one message kind, found {string.Join(", ", found)}");
        }
    }

    private static void ValidateKind(string kind, JsonElement value, string path, IReadOnlyCollection<string> channels, JsonFieldChecker check)
    {
        switch (kind)
        {
            case "text_message": Text(value, path, channels, check); break;
            case "media_message": Media(value, path, check); break;
            case "template_message": Template(value, path, check); break;
            case "template_reference": TemplateReference(value, path, check, versionRequired: true); break;
            case "choice_message": ChoiceMessage(value, path, channels, check); break;
            case "card_message": Card(value, path, check); break;
            case "carousel_message": Carousel(value, path, check); break;
            case "location_message": Location(value, path, check); break;
            case "contact_info_message": ContactInfo(value, path, check); break;
            case "list_message": List(value, path, check); break;
            case "explicit_channel_message": ExplicitChannel(value, path, check); break;
            case "explicit_channel_omni_message": ExplicitChannelOmni(value, path, channels, check); break;
            case "channel_specific_message": ChannelSpecific(value, path, check); break;
            case "agent": Agent(value, path, check); break;
        }
    }

    private static void Text(JsonElement value, string path, IReadOnlyCollection<string> channels, JsonFieldChecker check)
    {
        if (check.String(value, "text", path, required: true) is { } text)
        {
            TextLength(text, $"{path}.text", channels, check);
        }
    }

    /// <summary>A text must fit every channel it may be sent on, fallbacks included.</summary>
    public static void TextLength(string text, string field, IReadOnlyCollection<string> channels, JsonFieldChecker check)
    {
        var length = -1;
        foreach (var channel in channels)
        {
            if (!MessageContract.TextLimitByChannel.TryGetValue(channel, out var limit) || text.Length <= limit)
            {
                continue;
            }

            // Characters as people count them (an emoji is one), counted only when the UTF-16 length is over the limit.
            if (length < 0)
            {
                length = 0;
                foreach (var _ in text.EnumerateRunes())
                {
                    length++;
                }
            }

            if (length > limit)
            {
                check.Add(field, $"has {length} characters; {channel} allows at most {limit}");
            }
        }
    }

    private static void Media(JsonElement value, string path, JsonFieldChecker check)
    {
        check.Url(value, "url", path, required: true);
        check.Url(value, "thumbnail_url", path, required: false);
        check.String(value, "filename_override", path, required: false);
    }

    private static void Template(JsonElement value, string path, JsonFieldChecker check)
    {
        var omni = check.Object(value, "omni_template", path);
        var byChannel = check.Object(value, "channel_template", path);
        if (!JsonFieldChecker.TryGet(value, "omni_template", out _) && !JsonFieldChecker.TryGet(value, "channel_template", out _))
        {
            check.Add(path, "must have omni_template, channel_template or both");
        }

        if (omni is { } o)
        {
            // Omni templates are versioned; WhatsApp-style channel templates are referenced by name alone.
            TemplateReference(o, $"{path}.omni_template", check, versionRequired: true);
        }

        if (byChannel is { } channels)
        {
            foreach (var entry in channels.EnumerateObject())
            {
                var field = $"{path}.channel_template.{entry.Name}";
                KnownChannelKey(entry.Name, field, check);
                if (check.IsObject(entry.Value, field))
                {
                    TemplateReference(entry.Value, field, check, versionRequired: false);
                }
            }
        }
    }

    private static void TemplateReference(JsonElement value, string path, JsonFieldChecker check, bool versionRequired)
    {
        check.String(value, "template_id", path, required: true);
        check.String(value, "version", path, required: versionRequired);
        check.String(value, "language_code", path, required: false);
        if (check.Object(value, "parameters", path) is { } parameters)
        {
            foreach (var parameter in parameters.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.String))
            {
                check.Add($"{path}.parameters.{parameter.Name}", "must be a string");
            }
        }
    }

    private static void ChoiceMessage(JsonElement value, string path, IReadOnlyCollection<string> channels, JsonFieldChecker check)
    {
        Choices(check.Array(value, "choices", path, required: true, minItems: 1, maxItems: MessageContract.ChoicesMax), $"{path}.choices", check);
        if (check.Object(value, "text_message", path) is { } text)
        {
            Text(text, $"{path}.text_message", channels, check);
        }

        check.Object(value, "message_properties", path);
    }

    private static void Card(JsonElement value, string path, JsonFieldChecker check)
    {
        check.String(value, "title", path, required: false);
        check.String(value, "description", path, required: false);
        if (check.Object(value, "media_message", path) is { } media)
        {
            Media(media, $"{path}.media_message", check);
        }

        check.Enum(value, "height", path, MessageContract.CardHeights);
        Choices(check.Array(value, "choices", path, required: false, maxItems: MessageContract.ChoicesMax), $"{path}.choices", check);
        check.Object(value, "message_properties", path);
    }

    private static void Carousel(JsonElement value, string path, JsonFieldChecker check)
    {
        var cards = check.Array(value, "cards", path, required: true, minItems: 1, maxItems: MessageContract.CarouselCardsMax);
        for (var i = 0; i < cards.Count; i++)
        {
            if (check.IsObject(cards[i], $"{path}.cards[{i}]"))
            {
                Card(cards[i], $"{path}.cards[{i}]", check);
            }
        }

        Choices(check.Array(value, "choices", path, required: false, maxItems: MessageContract.CarouselChoicesMax), $"{path}.choices", check);
    }

    private static void Choices(IReadOnlyList<JsonElement> choices, string path, JsonFieldChecker check)
    {
        for (var i = 0; i < choices.Count; i++)
        {
            var field = $"{path}[{i}]";
            if (!check.IsObject(choices[i], field))
            {
                continue;
            }

            var kinds = MessageContract.ChoiceKinds.Where(k => JsonFieldChecker.TryGet(choices[i], k, out _)).ToList();
            if (kinds.Count != 1)
            {
                check.Add(field, kinds.Count == 0
                    ? $"must contain one of {string.Join(", ", MessageContract.ChoiceKinds)}"
                    : $"must contain exactly one choice kind, found {string.Join(", ", kinds)}");
                continue;
            }

            var kind = kinds[0];
            var choice = check.Object(choices[i], kind, field);
            check.String(choices[i], "postback_data", field, required: false);
            if (choice is not { } c)
            {
                continue;
            }

            var kindPath = $"{field}.{kind}";
            switch (kind)
            {
                case "text_message":
                    check.String(c, "text", kindPath, required: true);
                    break;
                case "url_message":
                    check.String(c, "title", kindPath, required: true);
                    check.Url(c, "url", kindPath, required: true);
                    break;
                case "call_message":
                    check.String(c, "title", kindPath, required: true);
                    check.String(c, "phone_number", kindPath, required: true);
                    break;
                case "location_message":
                    Location(c, kindPath, check);
                    break;
                case "calendar_message":
                    check.String(c, "title", kindPath, required: true);
                    check.String(c, "event_title", kindPath, required: true);
                    Timestamp(c, "event_start", kindPath, check);
                    Timestamp(c, "event_end", kindPath, check);
                    check.Url(c, "fallback_url", kindPath, required: false);
                    break;
                case "share_location_message":
                    check.String(c, "title", kindPath, required: true);
                    check.Url(c, "fallback_url", kindPath, required: false);
                    break;
            }
        }
    }

    private static void Location(JsonElement value, string path, JsonFieldChecker check)
    {
        if (check.Object(value, "coordinates", path, required: true) is { } coordinates)
        {
            check.Number(coordinates, "latitude", $"{path}.coordinates", -MessageContract.LatitudeMax, MessageContract.LatitudeMax);
            check.Number(coordinates, "longitude", $"{path}.coordinates", -MessageContract.LongitudeMax, MessageContract.LongitudeMax);
        }

        check.String(value, "title", path, required: true);
        check.String(value, "label", path, required: false);
    }

    private static void ContactInfo(JsonElement value, string path, JsonFieldChecker check)
    {
        if (check.Object(value, "name", path, required: true) is { } name)
        {
            check.String(name, "full_name", $"{path}.name", required: true);
        }

        var phones = check.Array(value, "phone_numbers", path, required: true, minItems: 1);
        for (var i = 0; i < phones.Count; i++)
        {
            if (check.IsObject(phones[i], $"{path}.phone_numbers[{i}]"))
            {
                check.String(phones[i], "phone_number", $"{path}.phone_numbers[{i}]", required: true);
            }
        }

        if (check.String(value, "birthday", path, required: false) is { } birthday
            && !DateOnly.TryParseExact(birthday, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            check.Add($"{path}.birthday", "must be a date written YYYY-MM-DD");
        }
    }

    // The shape of list items is not in the API reference (UNCONFIRMED), so only their presence is checked.
    private static void List(JsonElement value, string path, JsonFieldChecker check)
    {
        check.String(value, "title", path, required: true);
        check.String(value, "description", path, required: false);
        var sections = check.Array(value, "sections", path, required: true, minItems: 1);
        for (var i = 0; i < sections.Count; i++)
        {
            var section = $"{path}.sections[{i}]";
            if (check.IsObject(sections[i], section))
            {
                var items = check.Array(sections[i], "items", section, required: true, minItems: 1);
                for (var j = 0; j < items.Count; j++)
                {
                    check.IsObject(items[j], $"{section}.items[{j}]");
                }
            }
        }

        check.Object(value, "message_properties", path);
    }

    private static void ExplicitChannel(JsonElement value, string path, JsonFieldChecker check)
    {
        foreach (var entry in value.EnumerateObject())
        {
            KnownChannelKey(entry.Name, $"{path}.{entry.Name}", check);
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                check.Add($"{path}.{entry.Name}", "must be the channel's own payload as a JSON string");
            }
        }
    }

    private static void ExplicitChannelOmni(JsonElement value, string path, IReadOnlyCollection<string> channels, JsonFieldChecker check)
    {
        foreach (var entry in value.EnumerateObject())
        {
            var field = $"{path}.{entry.Name}";
            KnownChannelKey(entry.Name, field, check);
            if (check.IsObject(entry.Value, field))
            {
                ValidateKinds(entry.Value.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value)), field, channels, check, omni: true);
            }
        }
    }

    private static void ChannelSpecific(JsonElement value, string path, JsonFieldChecker check)
    {
        foreach (var entry in value.EnumerateObject())
        {
            var field = $"{path}.{entry.Name}";
            KnownChannelKey(entry.Name, field, check);
            if (check.IsObject(entry.Value, field))
            {
                // Open on purpose: Sinch adds channel-specific types (FLOWS, ORDER_DETAILS, COMMERCE, …) over time.
                check.String(entry.Value, "message_type", field, required: true);
                check.Object(entry.Value, "message", field, required: true);
            }
        }
    }

    private static void Agent(JsonElement value, string path, JsonFieldChecker check)
    {
        check.String(value, "display_name", path, required: true);
        check.Enum(value, "type", path, MessageContract.AgentTypes, required: true);
        check.Url(value, "picture_url", path, required: false);
    }

    private static void Timestamp(JsonElement value, string name, string path, JsonFieldChecker check)
    {
        if (check.String(value, name, path, required: true) is { Length: > 0 } text
            && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            check.Add($"{path}.{name}", "must be an RFC 3339 timestamp");
        }
    }

    private static void KnownChannelKey(string channel, string path, JsonFieldChecker check)
    {
        if (!MessageContract.Channels.Contains(channel))
        {
            check.Add(path, $"unknown channel; expected {check.ExpectedChannel()}");
        }
    }
}
