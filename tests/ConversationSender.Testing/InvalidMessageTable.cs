namespace ConversationSender.Testing;

/// <summary>
/// Invalid inputs, each with the JSON path its error must be reported under: the unit tests run them through the
/// validator, the integration tests through the HTTP trigger.
/// </summary>
public static class InvalidMessageTable
{
    private const string Sms = """ "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "+46701234567" } ] } } """;
    private const string Wa = """ "recipient": { "identified_by": { "channel_identities": [ { "channel": "WHATSAPP", "identity": "46701234567" } ] } } """;
    private const string Text = """ "text_message": { "text": "hi" } """;

    private static string M(string message, string extra = "") => $$"""{ {{Sms}}, "message": { {{message}} } {{extra}} }""";

    private static string Top(string extra) => M(Text, ", " + extra);

    private static string Choices(int count) => string.Join(",", Enumerable.Repeat("""{ "text_message": { "text": "x" } }""", count));

    private static string Cards(int count) => string.Join(",", Enumerable.Repeat("""{ "title": "c" }""", count));

    public static IEnumerable<(string Json, string Path)> Cases()
    {
        // Body and form
        yield return ("", "$");
        yield return ("   ", "$");
        yield return ("null", "$");
        yield return ("[]", "$");
        yield return ("\"text\"", "$");
        yield return ("42", "$");
        yield return ("{", "$");
        yield return ("{ \"to\": ", "$");
        yield return ("{ \"text\": \"hi\", }", "$");
        yield return ("{ 'to': 1 }", "$");
        yield return ("{}", "recipient");
        yield return ("{}", "message");
        yield return ("""{ "to": { "channel": "SMS", "identity": "1" }, "text": "hi", "recipient": { "contact_id": "c" } }""", "to");
        yield return ("""{ "text": "hi" }""", "to");
        yield return ("""{ "to": { "channel": "SMS", "identity": "1" } }""", "text");
        yield return ("""{ "to": { "channel": "SMS", "identity": "1" }, "text": "" }""", "text");
        yield return ("""{ "to": { "channel": "SMS", "identity": "1" }, "text": "  " }""", "text");
        yield return ("""{ "to": { "channel": "SMS", "identity": "1" }, "text": 5 }""", "text");
        yield return ("""{ "to": "SMS:+4670", "text": "hi" }""", "to");
        yield return ("""{ "to": { "channel": "SMS", "identity": 4670 }, "text": "hi" }""", "to.identity");
        yield return ("""{ "to": { "channel": "SMS" }, "text": "hi" }""", "to.identity");
        yield return ("""{ "to": { "identity": "1" }, "text": "hi" }""", "to.channel");
        yield return ("""{ "to": { "channel": "SMSS", "identity": "1" }, "text": "hi" }""", "to.channel");
        yield return ("""{ "to": { "channel": "", "identity": "1" }, "text": "hi" }""", "to.channel");
        yield return ("""{ "to": { "channel": "SMS", "identity": "1", "name": "x" }, "text": "hi" }""", "to.name");
        yield return ("""{ "to": { "channel": "WHATSAPP", "identity": "1" }, "text": "{{4097}}" }""".Replace("{{4097}}", new string('a', 4097), StringComparison.Ordinal), "text");
        yield return ("""{ "to": { "channel": "RCS", "identity": "1" }, "text": "{{2001}}" }""".Replace("{{2001}}", new string('a', 2001), StringComparison.Ordinal), "text");
        yield return ("""{ "to": { "channel": "VIBERBM", "identity": "1" }, "text": "{{1001}}" }""".Replace("{{1001}}", new string('a', 1001), StringComparison.Ordinal), "text");

        // Top-level fields
        yield return (Top("\"app_id\": \"x\""), "app_id");
        yield return (Top("\"project_id\": \"x\""), "project_id");
        yield return (Top("\"priority\": 1"), "priority");
        yield return (Top("\"Message_metadata\": \"x\""), "Message_metadata");
        yield return (Top("\"callback_url\": \"not a url\""), "callback_url");
        yield return (Top("\"callback_url\": \"ftp://example.com\""), "callback_url");
        yield return (Top("\"callback_url\": \"/relative\""), "callback_url");
        yield return (Top("\"callback_url\": 5"), "callback_url");
        yield return (Top("\"channel_priority_order\": [\"SMSS\"]"), "channel_priority_order[0]");
        yield return (Top("\"channel_priority_order\": [\"SMS\", \"\"]"), "channel_priority_order[1]");
        yield return (Top("\"channel_priority_order\": \"SMS\""), "channel_priority_order");
        yield return (Top("\"channel_properties\": { \"SMS_SENDER\": 5 }"), "channel_properties.SMS_SENDER");
        yield return (Top("\"channel_properties\": { \"SMS_SENDER\": \"" + new string('s', 1025) + "\" }"), "channel_properties.SMS_SENDER");
        yield return (Top("\"channel_properties\": [\"SMS_SENDER\"]"), "channel_properties");
        yield return (Top("\"message_metadata\": \"" + new string('m', 1025) + "\""), "message_metadata");
        yield return (Top("\"message_metadata\": {}"), "message_metadata");
        yield return (Top("\"conversation_metadata\": \"x\""), "conversation_metadata");
        yield return (Top("\"conversation_metadata\": [1]"), "conversation_metadata");
        yield return (Top("\"conversation_metadata\": { \"k\": \"" + new string('c', 2048) + "\" }"), "conversation_metadata");
        yield return (Top("\"correlation_id\": \"" + new string('c', 129) + "\""), "correlation_id");
        yield return (Top("\"correlation_id\": 7"), "correlation_id");
        yield return (Top("\"queue\": \"NORMAL\""), "queue");
        yield return (Top("\"queue\": \"high_priority\""), "queue");
        yield return (Top("\"queue\": 1"), "queue");
        yield return (Top("\"ttl\": 2"), "ttl");
        yield return (Top("\"ttl\": 0"), "ttl");
        yield return (Top("\"ttl\": 315576000001"), "ttl");
        yield return (Top("\"ttl\": \"1h\""), "ttl");
        yield return (Top("\"ttl\": \"600ms\""), "ttl");
        yield return (Top("\"ttl\": 60.5"), "ttl");
        yield return (Top("\"ttl\": {}"), "ttl");
        yield return (Top("\"processing_strategy\": \"FAST\""), "processing_strategy");
        yield return (Top("\"conversation_metadata_update_strategy\": \"MERGE\""), "conversation_metadata_update_strategy");
        yield return (Top("\"message_content_type\": \"MARKETING\""), "message_content_type");

        // Recipient
        yield return ("""{ "recipient": {}, "message": { "text_message": { "text": "hi" } } }""", "recipient");
        yield return ("""{ "recipient": { "contact_id": "c", "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "1" } ] } }, "message": { "text_message": { "text": "hi" } } }""", "recipient");
        yield return ("""{ "recipient": { "contact_id": "" }, "message": { "text_message": { "text": "hi" } } }""", "recipient.contact_id");
        yield return ("""{ "recipient": { "contact_id": 5 }, "message": { "text_message": { "text": "hi" } } }""", "recipient.contact_id");
        yield return ("""{ "recipient": { "identified_by": {} }, "message": { "text_message": { "text": "hi" } } }""", "recipient.identified_by.channel_identities");
        yield return ("""{ "recipient": { "identified_by": { "channel_identities": [] } }, "message": { "text_message": { "text": "hi" } } }""", "recipient.identified_by.channel_identities");
        yield return ("""{ "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS" } ] } }, "message": { "text_message": { "text": "hi" } } }""", "recipient.identified_by.channel_identities[0].identity");
        yield return ("""{ "recipient": { "identified_by": { "channel_identities": [ { "identity": "1" } ] } }, "message": { "text_message": { "text": "hi" } } }""", "recipient.identified_by.channel_identities[0].channel");
        yield return ("""{ "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "1" }, { "channel": "FAX", "identity": "1" } ] } }, "message": { "text_message": { "text": "hi" } } }""", "recipient.identified_by.channel_identities[1].channel");
        yield return ("""{ "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "1", "alias": "x" } ] } }, "message": { "text_message": { "text": "hi" } } }""", "recipient.identified_by.channel_identities[0].alias");
        yield return ("""{ "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "1" } ], "x": 1 } }, "message": { "text_message": { "text": "hi" } } }""", "recipient.identified_by.x");
        yield return ("""{ "recipient": { "phone": "1" }, "message": { "text_message": { "text": "hi" } } }""", "recipient.phone");
        yield return ("""{ "recipient": "46701234567", "message": { "text_message": { "text": "hi" } } }""", "recipient");

        // Message envelope
        yield return ($$"""{ {{Sms}} }""", "message");
        yield return ($$"""{ {{Sms}}, "message": {} }""", "message");
        yield return ($$"""{ {{Sms}}, "message": "hi" }""", "message");
        yield return (M(Text + """, "media_message": { "url": "https://x/y.png" }"""), "message");
        yield return (M(Text + """, "sticker_message": {}"""), "message.sticker_message");
        yield return (M("""  "agent": { "display_name": "A", "type": "BOT" } """), "message");
        yield return (M(""" "text_message": "hi" """), "message.text_message");

        // text_message
        yield return (M(""" "text_message": {} """), "message.text_message.text");
        yield return (M(""" "text_message": { "text": "" } """), "message.text_message.text");
        yield return (M(""" "text_message": { "text": 1 } """), "message.text_message.text");
        yield return ($$"""{ {{Wa}}, "message": { "text_message": { "text": "{{new string('w', 4097)}}" } } }""", "message.text_message.text");

        // media_message
        yield return (M(""" "media_message": {} """), "message.media_message.url");
        yield return (M(""" "media_message": { "url": "example.com/a.png" } """), "message.media_message.url");
        yield return (M(""" "media_message": { "url": "https://x/a.png", "thumbnail_url": "thumb.png" } """), "message.media_message.thumbnail_url");
        yield return (M(""" "media_message": { "url": "https://x/a.png", "filename_override": 3 } """), "message.media_message.filename_override");

        // template_message
        yield return (M(""" "template_message": {} """), "message.template_message");
        yield return (M(""" "template_message": { "omni_template": { "version": "1" } } """), "message.template_message.omni_template.template_id");
        yield return (M(""" "template_message": { "omni_template": { "template_id": "t" } } """), "message.template_message.omni_template.version");
        yield return (M(""" "template_message": { "omni_template": { "template_id": "t", "version": "1", "parameters": { "n": 1 } } } """), "message.template_message.omni_template.parameters.n");
        yield return (M(""" "template_message": { "channel_template": { "SMSS": { "template_id": "t" } } } """), "message.template_message.channel_template.SMSS");
        yield return (M(""" "template_message": { "channel_template": { "WHATSAPP": {} } } """), "message.template_message.channel_template.WHATSAPP.template_id");
        yield return (M(""" "template_message": { "omni_template": "t" } """), "message.template_message.omni_template");

        // choice_message and choices
        yield return (M(""" "choice_message": {} """), "message.choice_message.choices");
        yield return (M(""" "choice_message": { "choices": [] } """), "message.choice_message.choices");
        yield return (M($$""" "choice_message": { "choices": [ {{Choices(11)}} ] } """), "message.choice_message.choices");
        yield return (M(""" "choice_message": { "choices": [ {} ] } """), "message.choice_message.choices[0]");
        yield return (M(""" "choice_message": { "choices": [ { "text_message": { "text": "a" }, "url_message": { "title": "b", "url": "https://x" } } ] } """), "message.choice_message.choices[0]");
        yield return (M(""" "choice_message": { "choices": [ { "url_message": { "title": "b" } } ] } """), "message.choice_message.choices[0].url_message.url");
        yield return (M(""" "choice_message": { "choices": [ { "url_message": { "url": "https://x" } } ] } """), "message.choice_message.choices[0].url_message.title");
        yield return (M(""" "choice_message": { "choices": [ { "call_message": { "title": "c" } } ] } """), "message.choice_message.choices[0].call_message.phone_number");
        yield return (M(""" "choice_message": { "choices": [ { "location_message": { "title": "l" } } ] } """), "message.choice_message.choices[0].location_message.coordinates");
        yield return (M(""" "choice_message": { "choices": [ { "calendar_message": { "title": "c", "event_title": "e", "event_start": "tomorrow", "event_end": "2026-12-01T10:00:00Z" } } ] } """), "message.choice_message.choices[0].calendar_message.event_start");
        yield return (M(""" "choice_message": { "choices": [ { "calendar_message": { "title": "c", "event_start": "2026-12-01T10:00:00Z", "event_end": "2026-12-01T10:00:00Z" } } ] } """), "message.choice_message.choices[0].calendar_message.event_title");
        yield return (M(""" "choice_message": { "choices": [ { "share_location_message": { "fallback_url": "https://x" } } ] } """), "message.choice_message.choices[0].share_location_message.title");
        yield return (M(""" "choice_message": { "choices": [ { "text_message": { "text": "a" }, "postback_data": 5 } ] } """), "message.choice_message.choices[0].postback_data");
        yield return (M(""" "choice_message": { "choices": [ "yes" ] } """), "message.choice_message.choices[0]");
        yield return (M(""" "choice_message": { "choices": [ { "text_message": { "text": "a" } } ], "text_message": { } } """), "message.choice_message.text_message.text");

        // card_message and carousel_message
        yield return (M(""" "card_message": { "height": "HUGE" } """), "message.card_message.height");
        yield return (M($$""" "card_message": { "choices": [ {{Choices(11)}} ] } """), "message.card_message.choices");
        yield return (M(""" "card_message": { "media_message": { "url": "nope" } } """), "message.card_message.media_message.url");
        yield return (M(""" "card_message": { "title": 5 } """), "message.card_message.title");
        yield return (M(""" "carousel_message": {} """), "message.carousel_message.cards");
        yield return (M(""" "carousel_message": { "cards": [] } """), "message.carousel_message.cards");
        yield return (M($$""" "carousel_message": { "cards": [ {{Cards(11)}} ] } """), "message.carousel_message.cards");
        yield return (M($$""" "carousel_message": { "cards": [ {{Cards(2)}} ], "choices": [ {{Choices(4)}} ] } """), "message.carousel_message.choices");
        yield return (M(""" "carousel_message": { "cards": [ { "height": "XL" } ] } """), "message.carousel_message.cards[0].height");

        // location_message
        yield return (M(""" "location_message": { "title": "t" } """), "message.location_message.coordinates");
        yield return (M(""" "location_message": { "coordinates": { "latitude": 1, "longitude": 2 } } """), "message.location_message.title");
        yield return (M(""" "location_message": { "title": "t", "coordinates": { "latitude": 91, "longitude": 2 } } """), "message.location_message.coordinates.latitude");
        yield return (M(""" "location_message": { "title": "t", "coordinates": { "latitude": 1, "longitude": -181 } } """), "message.location_message.coordinates.longitude");
        yield return (M(""" "location_message": { "title": "t", "coordinates": { "latitude": "1", "longitude": 2 } } """), "message.location_message.coordinates.latitude");

        // contact_info_message
        yield return (M(""" "contact_info_message": { "phone_numbers": [ { "phone_number": "1" } ] } """), "message.contact_info_message.name");
        yield return (M(""" "contact_info_message": { "name": {}, "phone_numbers": [ { "phone_number": "1" } ] } """), "message.contact_info_message.name.full_name");
        yield return (M(""" "contact_info_message": { "name": { "full_name": "A" } } """), "message.contact_info_message.phone_numbers");
        yield return (M(""" "contact_info_message": { "name": { "full_name": "A" }, "phone_numbers": [ {} ] } """), "message.contact_info_message.phone_numbers[0].phone_number");
        yield return (M(""" "contact_info_message": { "name": { "full_name": "A" }, "phone_numbers": [ { "phone_number": "1" } ], "birthday": "03/02/2001" } """), "message.contact_info_message.birthday");

        // list_message
        yield return (M(""" "list_message": { "sections": [ { "items": [ {} ] } ] } """), "message.list_message.title");
        yield return (M(""" "list_message": { "title": "t" } """), "message.list_message.sections");
        yield return (M(""" "list_message": { "title": "t", "sections": [ {} ] } """), "message.list_message.sections[0].items");
        yield return (M(""" "list_message": { "title": "t", "sections": [ { "items": [ "a" ] } ] } """), "message.list_message.sections[0].items[0]");

        // Overrides
        yield return (M(Text + """, "explicit_channel_message": { "FAX": "x" }"""), "message.explicit_channel_message.FAX");
        yield return (M(Text + """, "explicit_channel_message": { "MESSENGER": { "text": "x" } }"""), "message.explicit_channel_message.MESSENGER");
        yield return (M(Text + """, "explicit_channel_omni_message": { "WHATSAPP": { "template_message": {} } }"""), "message.explicit_channel_omni_message.WHATSAPP.template_message");
        yield return (M(Text + """, "explicit_channel_omni_message": { "WHATSAPP": { "template_reference": { "template_id": "t" } } }"""), "message.explicit_channel_omni_message.WHATSAPP.template_reference.version");
        yield return (M(Text + """, "explicit_channel_omni_message": { "WHATSAPP": {} }"""), "message.explicit_channel_omni_message.WHATSAPP");
        yield return (M(Text + """, "channel_specific_message": { "WHATSAPP": { "message": {} } }"""), "message.channel_specific_message.WHATSAPP.message_type");
        yield return (M(Text + """, "channel_specific_message": { "WHATSAPP": { "message_type": "FLOWS" } }"""), "message.channel_specific_message.WHATSAPP.message");
        yield return (M(Text + """, "agent": { "type": "BOT" }"""), "message.agent.display_name");
        yield return (M(Text + """, "agent": { "display_name": "A", "type": "ROBOT" }"""), "message.agent.type");
        yield return (M(Text + """, "agent": { "display_name": "A", "type": "BOT", "picture_url": "pic.png" }"""), "message.agent.picture_url");
    }
}
