using System.Text.Json;

namespace ConversationSender.Sandbox;

/// <summary>
/// The shape of an AppMessage (API reference §3.3): exactly one content kind, its fields with their JSON types,
/// required fields, URLs and documented limits, and the override maps beside it.
/// </summary>
internal sealed class AppMessageRules(ViolationList violations, SandboxOptions options)
{
    private static readonly string[] Heights = ["UNSPECIFIED_HEIGHT", "SHORT", "MEDIUM", "TALL"];
    private static readonly string[] AgentTypes = ["UNKNOWN_AGENT_TYPE", "HUMAN", "BOT"];

    // The message types of channel_specific_message and the channel each belongs to (the SDKs' MessageTypeEnum values).
    private static readonly Dictionary<string, string> SpecificMessageChannels = new()
    {
        ["FLOWS"] = "WHATSAPP", ["ORDER_DETAILS"] = "WHATSAPP", ["ORDER_STATUS"] = "WHATSAPP",
        ["COMMERCE"] = "KAKAOTALK", ["CAROUSEL_COMMERCE"] = "KAKAOTALK", ["NOTIFICATION_MESSAGE_TEMPLATE"] = "LINE",
    };

    private readonly ViolationList _v = violations;

    /// <summary>The <c>message</c> of a send: one content kind plus overrides.</summary>
    public void Message(JsonElement message, string path)
    {
        var fields = ContentKinds(templateKey: "template_message");
        fields["explicit_channel_message"] = (value, at) => ChannelMap(value, at, (v, p) => _v.Text(v, p, required: true));
        fields["explicit_channel_omni_message"] = (value, at) => ChannelMap(value, at, OmniMessage);
        fields["channel_specific_message"] = (value, at) => ChannelMap(value, at, ChannelSpecific);
        fields["agent"] = (value, at) => _v.Fields(value, at, new Dictionary<string, Action<JsonElement, string>>
        {
            ["display_name"] = (v, p) => _v.Text(v, p, required: true),
            ["type"] = (v, p) => _v.Enum(v, p, AgentTypes),
            ["picture_url"] = (v, p) => _v.Url(v, p),
        }, "display_name");
        OneKindOf(message, path, fields, "template_message");
    }

    private void OmniMessage(JsonElement message, string path) => OneKindOf(message, path, ContentKinds(templateKey: "template_reference"), "template_reference");

    private void OneKindOf(JsonElement message, string path, Dictionary<string, Action<JsonElement, string>> fields, string templateKey)
    {
        if (!_v.IsObject(message, path))
        {
            return;
        }

        var kinds = ContentKinds(templateKey).Keys;
        if (message.EnumerateObject().Count(p => kinds.Contains(p.Name) && p.Value.ValueKind != JsonValueKind.Null) != 1)
        {
            _v.Add(path, "must contain exactly one message type");
        }

        _v.Fields(message, path, fields);
    }

    private Dictionary<string, Action<JsonElement, string>> ContentKinds(string templateKey) => new()
    {
        ["text_message"] = Text,
        ["media_message"] = Media,
        [templateKey] = templateKey == "template_message" ? Template : TemplateReference,
        ["choice_message"] = (value, path) => _v.Fields(value, path, new Dictionary<string, Action<JsonElement, string>>
        {
            ["choices"] = (v, p) => _v.Items(v, p, 10, Choice, required: true),
            ["text_message"] = Text,
            ["message_properties"] = (v, p) => _v.Fields(v, p, Strings("whatsapp_footer")),
        }, "choices"),
        ["card_message"] = Card,
        ["carousel_message"] = (value, path) => _v.Fields(value, path, new Dictionary<string, Action<JsonElement, string>>
        {
            ["cards"] = (v, p) => _v.Items(v, p, 10, Card, required: true),
            ["choices"] = (v, p) => _v.Items(v, p, options.MaxCarouselChoices, Choice),
        }, "cards"),
        ["location_message"] = Location,
        ["contact_info_message"] = (value, path) => _v.Fields(value, path, new Dictionary<string, Action<JsonElement, string>>
        {
            ["name"] = (v, p) => _v.Fields(v, p, Strings("full_name", "first_name", "last_name", "middle_name", "prefix", "suffix"), "full_name"),
            ["phone_numbers"] = (v, p) => _v.Items(v, p, int.MaxValue, (item, at) => _v.Fields(item, at, Strings("phone_number", "type"), "phone_number"), required: true),
            ["addresses"] = (v, p) => _v.Items(v, p, int.MaxValue, (item, at) => _v.IsObject(item, at)),
            ["email_addresses"] = (v, p) => _v.Items(v, p, int.MaxValue, (item, at) => _v.Fields(item, at, Strings("email_address", "type"), "email_address")),
            ["organization"] = (v, p) => _v.Fields(v, p, Strings("company", "department", "title")),
            ["urls"] = (v, p) => _v.Items(v, p, int.MaxValue, (item, at) => _v.Fields(item, at, new Dictionary<string, Action<JsonElement, string>> { ["url"] = (u, q) => _v.Url(u, q, required: true), ["type"] = (t, q) => _v.Text(t, q) }, "url")),
            ["birthday"] = (v, p) => _v.Text(v, p),
        }, "name", "phone_numbers"),
        ["list_message"] = (value, path) => _v.Fields(value, path, new Dictionary<string, Action<JsonElement, string>>
        {
            ["title"] = (v, p) => _v.Text(v, p, required: true),
            ["description"] = (v, p) => _v.Text(v, p),
            ["media"] = (v, p) => _v.IsObject(v, p),
            ["sections"] = (v, p) => _v.Items(v, p, int.MaxValue, (item, at) => _v.Fields(item, at, new Dictionary<string, Action<JsonElement, string>>
            {
                ["title"] = (t, q) => _v.Text(t, q),
                ["items"] = (t, q) => _v.Items(t, q, int.MaxValue, (i, r) => _v.IsObject(i, r)),
            }), required: true),
            ["message_properties"] = (v, p) => _v.IsObject(v, p),
        }, "title", "sections"),
    };

    private void Text(JsonElement value, string path) =>
        _v.Fields(value, path, new Dictionary<string, Action<JsonElement, string>> { ["text"] = (v, p) => _v.Text(v, p, required: true) }, "text");

    private void Media(JsonElement value, string path) => _v.Fields(value, path, new Dictionary<string, Action<JsonElement, string>>
    {
        ["url"] = (v, p) => _v.Url(v, p, required: true),
        ["thumbnail_url"] = (v, p) => _v.Url(v, p),
        ["filename_override"] = (v, p) => _v.Text(v, p),
    }, "url");

    private void Template(JsonElement value, string path)
    {
        _v.Fields(value, path, new Dictionary<string, Action<JsonElement, string>>
        {
            ["omni_template"] = TemplateReference,
            ["channel_template"] = (v, p) => ChannelMap(v, p, TemplateReference),
        });
        if (value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.EnumerateObject().Any()))
        {
            _v.Add(path, "needs omni_template or channel_template");
        }
    }

    private void TemplateReference(JsonElement value, string path) => _v.Fields(value, path, new Dictionary<string, Action<JsonElement, string>>
    {
        ["template_id"] = (v, p) => _v.Text(v, p, required: true),
        ["version"] = (v, p) => _v.Text(v, p),
        ["language_code"] = (v, p) => _v.Text(v, p),
        ["parameters"] = (v, p) => StringMap(v, p, int.MaxValue),
    }, "template_id");

    private void Card(JsonElement value, string path) => _v.Fields(value, path, new Dictionary<string, Action<JsonElement, string>>
    {
        ["title"] = (v, p) => _v.Text(v, p),
        ["description"] = (v, p) => _v.Text(v, p),
        ["media_message"] = Media,
        ["height"] = (v, p) => _v.Enum(v, p, Heights),
        ["choices"] = (v, p) => _v.Items(v, p, 10, Choice),
        ["message_properties"] = (v, p) => _v.Fields(v, p, Strings("whatsapp_header")),
    });

    private void Location(JsonElement value, string path) => _v.Fields(value, path, new Dictionary<string, Action<JsonElement, string>>
    {
        ["coordinates"] = (v, p) => _v.Fields(v, p, new Dictionary<string, Action<JsonElement, string>>
        {
            ["latitude"] = (n, q) => _v.Range(n, q, -90, 90),
            ["longitude"] = (n, q) => _v.Range(n, q, -180, 180),
        }, "latitude", "longitude"),
        ["title"] = (v, p) => _v.Text(v, p, required: true),
        ["label"] = (v, p) => _v.Text(v, p),
    }, "coordinates", "title");

    private void Choice(JsonElement value, string path)
    {
        var kinds = new Dictionary<string, Action<JsonElement, string>>
        {
            ["text_message"] = Text,
            ["url_message"] = (v, p) => _v.Fields(v, p, new Dictionary<string, Action<JsonElement, string>> { ["title"] = (t, q) => _v.Text(t, q, required: true), ["url"] = (u, q) => _v.Url(u, q, required: true) }, "title", "url"),
            ["call_message"] = (v, p) => _v.Fields(v, p, Strings("title", "phone_number"), "phone_number"),
            ["location_message"] = Location,
            ["calendar_message"] = (v, p) => _v.Fields(v, p, new Dictionary<string, Action<JsonElement, string>>(Strings("title", "event_start", "event_end", "event_title", "event_description"))
            {
                ["fallback_url"] = (u, q) => _v.Url(u, q),
            }),
            ["share_location_message"] = (v, p) => _v.Fields(v, p, new Dictionary<string, Action<JsonElement, string>> { ["title"] = (t, q) => _v.Text(t, q), ["fallback_url"] = (u, q) => _v.Url(u, q) }),
        };
        if (value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Count(p => kinds.ContainsKey(p.Name)) != 1)
        {
            _v.Add(path, "must contain exactly one choice type");
        }

        _v.Fields(value, path, new Dictionary<string, Action<JsonElement, string>>(kinds) { ["postback_data"] = (v, p) => _v.Text(v, p) });
    }

    private void ChannelSpecific(JsonElement value, string path)
    {
        _v.Fields(value, path, new Dictionary<string, Action<JsonElement, string>>
        {
            ["message_type"] = (v, p) => _v.Text(v, p, required: true),
            ["message"] = (v, p) => _v.IsObject(v, p),
        }, "message_type", "message");

        // Undocumented whether Sinch refuses a message type on another channel at once or fails it later: a switch.
        var channel = path[(path.LastIndexOf('.') + 1)..];
        if (options.CheckChannelSpecificMessageTypes && value.ValueKind == JsonValueKind.Object
            && value.TryGetProperty("message_type", out var type) && type.ValueKind == JsonValueKind.String
            && SpecificMessageChannels.TryGetValue(type.GetString()!, out var owner) && owner != channel)
        {
            _v.Add(ViolationList.Join(path, "message_type"), $"{type.GetString()} is a {owner} message, not {channel}");
        }
    }

    /// <summary>An object keyed by channel (explicit overrides, channel templates).</summary>
    private void ChannelMap(JsonElement value, string path, Action<JsonElement, string> each)
    {
        if (!_v.IsObject(value, path))
        {
            return;
        }

        foreach (var property in value.EnumerateObject())
        {
            var at = ViolationList.Join(path, property.Name);
            if (!StageOneValidator.Channels.Contains(property.Name))
            {
                _v.Add(at, "unknown channel");
            }

            each(property.Value, at);
        }
    }

    public void StringMap(JsonElement value, string path, int maxValueLength)
    {
        if (!_v.IsObject(value, path))
        {
            return;
        }

        foreach (var property in value.EnumerateObject())
        {
            _v.Text(property.Value, ViolationList.Join(path, property.Name), max: maxValueLength);
        }
    }

    private Dictionary<string, Action<JsonElement, string>> Strings(params string[] names) =>
        names.ToDictionary(n => n, _ => (Action<JsonElement, string>)((v, p) => _v.Text(v, p)));
}
