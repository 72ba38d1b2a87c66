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

    public static void ValidateKinds(IEnumerable<KeyValuePair<string, JsonElement>> fields, string path, IReadOnlyCollection<string> channels, JsonFieldChecker check, bool omni)
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
            case "template_message": TemplateValidator.Template(value, path, check); break;
            case "template_reference": TemplateValidator.TemplateReference(value, path, check, versionRequired: true); break;
            case "choice_message": ChoiceValidator.ChoiceMessage(value, path, channels, check); break;
            case "card_message": ChoiceValidator.Card(value, path, check); break;
            case "carousel_message": ChoiceValidator.Carousel(value, path, check); break;
            case "location_message": Location(value, path, check); break;
            case "contact_info_message": ContactInfo(value, path, check); break;
            case "list_message": List(value, path, check); break;
            case "explicit_channel_message": ChannelOverrideValidator.ExplicitChannel(value, path, check); break;
            case "explicit_channel_omni_message": ChannelOverrideValidator.ExplicitChannelOmni(value, path, channels, check); break;
            case "channel_specific_message": ChannelOverrideValidator.ChannelSpecific(value, path, check); break;
            case "agent": Agent(value, path, check); break;
        }
    }

    public static void Text(JsonElement value, string path, IReadOnlyCollection<string> channels, JsonFieldChecker check)
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

    public static void Media(JsonElement value, string path, JsonFieldChecker check)
    {
        check.Url(value, "url", path, required: true);
        check.Url(value, "thumbnail_url", path, required: false);
        check.String(value, "filename_override", path, required: false);
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

    public static void Location(JsonElement value, string path, JsonFieldChecker check)
    {
        if (check.Object(value, "coordinates", path, required: true) is { } coordinates)
        {
            check.Number(coordinates, "latitude", $"{path}.coordinates", -MessageContract.LatitudeMax, MessageContract.LatitudeMax);
            check.Number(coordinates, "longitude", $"{path}.coordinates", -MessageContract.LongitudeMax, MessageContract.LongitudeMax);
        }

        check.String(value, "title", path, required: true);
        check.String(value, "label", path, required: false);
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

    private static void Agent(JsonElement value, string path, JsonFieldChecker check)
    {
        check.String(value, "display_name", path, required: true);
        check.Enum(value, "type", path, MessageContract.AgentTypes, required: true);
        check.Url(value, "picture_url", path, required: false);
    }

    public static void KnownChannelKey(string channel, string path, JsonFieldChecker check)
    {
        if (!MessageContract.Channels.Contains(channel))
        {
            check.Add(path, $"unknown channel; expected {check.ExpectedChannel()}");
        }
    }
}
