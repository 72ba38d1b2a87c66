using System.Text.Json;

namespace ConversationSender.Validation;

/// <summary>
/// A <c>list_message</c>: sections of choice or product items. Field names and JSON types follow Sinch's Node SDK
/// (<c>ListMessageItem</c>, <c>ListSection</c>, <c>ChoiceItem</c>, <c>ProductItem</c>); which fields of an item Sinch
/// requires is not in the API reference, so only the section's items are required and every field's type checked.
/// </summary>
internal static class ListMessageValidator
{
    public static void List(JsonElement value, string path, JsonFieldChecker check)
    {
        check.String(value, "title", path, required: true);
        check.String(value, "description", path, required: false);
        if (check.Object(value, "media", path) is { } media)
        {
            AppMessageValidator.Media(media, $"{path}.media", check);
        }

        foreach (var (section, at) in check.Objects(value, "sections", path, required: true, minItems: 1))
        {
            check.Strings(section, at, "title");
            foreach (var (item, itemPath) in check.Objects(section, "items", at, required: true, minItems: 1))
            {
                Item(item, itemPath, check);
            }
        }

        if (check.Object(value, "message_properties", path) is { } properties)
        {
            check.Strings(properties, $"{path}.message_properties", "catalog_id", "menu", "whatsapp_header");
        }
    }

    private static void Item(JsonElement item, string path, JsonFieldChecker check)
    {
        if (check.Object(item, "choice", path) is { } choice)
        {
            var at = $"{path}.choice";
            check.Strings(choice, at, "title", "description", "postback_data");
            if (check.Object(choice, "media", at) is { } media)
            {
                AppMessageValidator.Media(media, $"{at}.media", check);
            }
        }

        if (check.Object(item, "product", path) is { } product)
        {
            var at = $"{path}.product";
            check.Strings(product, at, "id", "marketplace", "currency");
            check.Number(product, "quantity", at, required: false);
            check.Number(product, "item_price", at, required: false);
        }
    }
}
