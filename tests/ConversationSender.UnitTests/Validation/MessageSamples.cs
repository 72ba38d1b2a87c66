namespace ConversationSender.UnitTests.Validation;

/// <summary>One valid <c>message</c> object of every content kind and override, as test data for the pure tests.</summary>
/// <remarks>The documented examples are checked against the running app by the integration tests; these stay in code so that no unit test reads a file.</remarks>
internal static class MessageSamples
{
    public static readonly IReadOnlyList<string> Messages =
    [
        """{ "text_message": { "text": "Your code is 123456" } }""",
        """{ "media_message": { "url": "https://example.com/a.png", "thumbnail_url": "https://example.com/t.png", "filename_override": "a.png" } }""",
        """{ "template_message": { "omni_template": { "template_id": "t1", "version": "2", "language_code": "en", "parameters": { "name": "Ann" } }, "channel_template": { "WHATSAPP": { "template_id": "wa_t1", "language_code": "en_US" } } } }""",
        """{ "choice_message": { "text_message": { "text": "Pick one" }, "choices": [ { "text_message": { "text": "Yes" }, "postback_data": "y" }, { "url_message": { "title": "Site", "url": "https://example.com" } }, { "call_message": { "title": "Call", "phone_number": "+46700000000" } }, { "calendar_message": { "title": "Add", "event_title": "Visit", "event_start": "2026-12-01T09:00:00Z", "event_end": "2026-12-01T10:00:00Z" } }, { "share_location_message": { "title": "Share", "fallback_url": "https://example.com/map" } }, { "location_message": { "title": "Shop", "coordinates": { "latitude": 59.3, "longitude": 18.1 } } } ] } }""",
        """{ "card_message": { "title": "Sale", "description": "Today", "height": "MEDIUM", "media_message": { "url": "https://example.com/a.png" }, "choices": [ { "text_message": { "text": "Buy" } } ] } }""",
        """{ "carousel_message": { "cards": [ { "title": "One" }, { "title": "Two", "height": "TALL" } ], "choices": [ { "text_message": { "text": "More" } } ] } }""",
        """{ "location_message": { "title": "Shop", "label": "Main street", "coordinates": { "latitude": -33.9, "longitude": 151.2 } } }""",
        """{ "contact_info_message": { "name": { "full_name": "Ann Lee" }, "phone_numbers": [ { "phone_number": "+46700000000" } ], "birthday": "1990-04-01" } }""",
        """{ "list_message": { "title": "Menu", "description": "Pick", "sections": [ { "title": "Food", "items": [ { "choice": { "title": "Soup" } } ] } ] } }""",
        """{ "text_message": { "text": "hi" }, "explicit_channel_message": { "MESSENGER": "{\"text\":\"hi\"}" }, "agent": { "display_name": "Shop", "type": "BOT", "picture_url": "https://example.com/bot.png" } }""",
        """{ "text_message": { "text": "hi" }, "explicit_channel_omni_message": { "WHATSAPP": { "template_reference": { "template_id": "t", "version": "1" } } } }""",
        """{ "text_message": { "text": "hi" }, "channel_specific_message": { "WHATSAPP": { "message_type": "FLOWS", "message": { "flow_id": "f" } } } }""",
    ];
}
