using System.Globalization;
using System.Text.Json;
using ConversationSender.Contract;

namespace ConversationSender.Validation;

/// <summary>Messages that offer choices (choice, card, carousel) and the choices themselves.</summary>
internal static class ChoiceValidator
{
    public static void ChoiceMessage(JsonElement value, string path, IReadOnlyCollection<string> channels, JsonFieldChecker check)
    {
        Choices(check.Array(value, "choices", path, required: true, minItems: 1, maxItems: MessageContract.ChoicesMax), $"{path}.choices", check);
        if (check.Object(value, "text_message", path) is { } text)
        {
            AppMessageValidator.Text(text, $"{path}.text_message", channels, check);
        }

        check.Object(value, "message_properties", path);
    }

    public static void Card(JsonElement value, string path, JsonFieldChecker check)
    {
        check.String(value, "title", path, required: false);
        check.String(value, "description", path, required: false);
        if (check.Object(value, "media_message", path) is { } media)
        {
            AppMessageValidator.Media(media, $"{path}.media_message", check);
        }

        check.Enum(value, "height", path, MessageContract.CardHeights);
        Choices(check.Array(value, "choices", path, required: false, maxItems: MessageContract.ChoicesMax), $"{path}.choices", check);
        check.Object(value, "message_properties", path);
    }

    public static void Carousel(JsonElement value, string path, JsonFieldChecker check)
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
                    AppMessageValidator.Location(c, kindPath, check);
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

    private static void Timestamp(JsonElement value, string name, string path, JsonFieldChecker check)
    {
        if (check.String(value, name, path, required: true) is { Length: > 0 } text
            && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            check.Add($"{path}.{name}", "must be an RFC 3339 timestamp");
        }
    }
}
