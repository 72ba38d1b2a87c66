using System.Text.Json.Nodes;

namespace ConversationSender.IntegrationTests.Sandbox;

/// <summary>
/// Valid sends that use every field the first stage knows (every message kind, through the channel overrides), and
/// the same sends with one field given a wrong JSON type: each such body must be a 400, never a 500 or a 200.
/// </summary>
public static class HostileShapes
{
    private const string Url = "https://example.com/a.png";

    public static readonly string[] Bases =
    [
        $$"""
        { "app_id": "{{SenderAppId}}",
          "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "+46701234567" } ] } },
          "message": {
            "text_message": { "text": "hi" },
            "explicit_channel_message": { "WHATSAPP": "{\"raw\":1}" },
            "explicit_channel_omni_message": {
              "WHATSAPP": { "media_message": { "url": "{{Url}}", "thumbnail_url": "{{Url}}", "filename_override": "a.png" } },
              "RCS": { "template_reference": { "template_id": "t", "version": "1", "language_code": "en", "parameters": { "a": "b" } } },
              "SMS": { "choice_message": { "text_message": { "text": "pick" }, "choices": [ { "url_message": { "title": "t", "url": "{{Url}}" }, "postback_data": "p" } ], "message_properties": { "whatsapp_footer": "f" } } },
              "MESSENGER": { "card_message": { "title": "t", "description": "d", "media_message": { "url": "{{Url}}" }, "height": "MEDIUM", "choices": [ { "call_message": { "title": "c", "phone_number": "+1" } } ], "message_properties": { "whatsapp_header": "h" } } },
              "VIBER": { "carousel_message": { "cards": [ { "title": "t", "choices": [ { "calendar_message": { "title": "c", "event_start": "2026-01-01T00:00:00Z", "fallback_url": "{{Url}}" } } ] } ], "choices": [ { "share_location_message": { "title": "s", "fallback_url": "{{Url}}" } } ] } },
              "VIBERBM": { "location_message": { "coordinates": { "latitude": 1.5, "longitude": 2.5 }, "title": "t", "label": "l" } },
              "MMS": { "contact_info_message": { "name": { "full_name": "A" }, "phone_numbers": [ { "phone_number": "+1", "type": "MOBILE" } ], "email_addresses": [ { "email_address": "a@example.com" } ], "organization": { "company": "C" }, "urls": [ { "url": "{{Url}}" } ], "birthday": "2000-01-01", "addresses": [ { "city": "X" } ] } },
              "INSTAGRAM": { "list_message": { "title": "t", "description": "d", "sections": [ { "title": "s", "items": [ { "choice": { "title": "x" } } ] } ], "media": { "url": "{{Url}}" }, "message_properties": { "menu": "m" } } }
            },
            "channel_specific_message": { "WHATSAPP": { "message_type": "FLOWS", "message": { "flow_id": "1" } } },
            "agent": { "display_name": "A", "type": "BOT", "picture_url": "{{Url}}" }
          },
          "callback_url": "{{Url}}", "channel_priority_order": [ "SMS" ], "channel_properties": { "SMS_SENDER": "S" },
          "message_metadata": "m", "conversation_metadata": { "a": 1 }, "queue": "HIGH_PRIORITY", "ttl": "10s",
          "processing_strategy": "DEFAULT", "correlation_id": "c", "conversation_metadata_update_strategy": "REPLACE",
          "message_content_type": "CONTENT_MARKETING" }
        """,
        $$"""
        { "app_id": "{{SenderAppId}}", "recipient": { "contact_id": "01CONTACT" },
          "message": { "template_message": { "omni_template": { "template_id": "t", "version": "1" }, "channel_template": { "WHATSAPP": { "template_id": "w", "language_code": "en" } } } } }
        """,
        $$"""
        { "app_id": "{{SenderAppId}}", "recipient": { "identified_by": { "channel_identities": [ { "channel": "WHATSAPP", "identity": "46701234567", "app_id": "a" } ] } },
          "message": { "choice_message": { "text_message": { "text": "pick" }, "choices": [ { "text_message": { "text": "yes" }, "postback_data": "y" }, { "location_message": { "coordinates": { "latitude": 1, "longitude": 2 }, "title": "here" } } ] } } }
        """,
    ];

    private const string SenderAppId = "01SANDBOXAPP00000000000001";

    // Free-form objects: their contents are not the first stage's business, only that they are objects.
    private static readonly string[] FreeForm = ["conversation_metadata", ".WHATSAPP.message", ".items[0]", ".list_message.media", ".list_message.message_properties", ".addresses[0]"];

    /// <summary>Every field of every base, each with the bodies that give it a wrong JSON type.</summary>
    public static IEnumerable<(string Path, IReadOnlyList<string> Bodies)> Cases()
    {
        for (var b = 0; b < Bases.Length; b++)
        {
            var root = JsonNode.Parse(Bases[b])!;
            foreach (var path in Paths(root, ""))
            {
                var bodies = new List<string>();
                foreach (var wrong in WrongFor(Find(root, path)!))
                {
                    var copy = root.DeepClone();
                    Replace(copy, path, wrong);
                    bodies.Add(copy.ToJsonString());
                }

                yield return ($"base {b}: {path}", bodies);
            }
        }
    }

    private static IEnumerable<string> Paths(JsonNode node, string path)
    {
        if (path.Length > 0)
        {
            yield return path;
        }

        if (FreeForm.Any(f => path.EndsWith(f, StringComparison.Ordinal)))
        {
            yield break;
        }

        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    foreach (var p in Paths(child!, path.Length == 0 ? name : $"{path}.{name}"))
                    {
                        yield return p;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var p in Paths(array[i]!, $"{path}[{i}]"))
                    {
                        yield return p;
                    }
                }

                break;
        }
    }

    private static IEnumerable<JsonNode> WrongFor(JsonNode node) => node.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.String => [JsonValue.Create(5), JsonValue.Create(true), new JsonObject(), new JsonArray()],
        System.Text.Json.JsonValueKind.Number => [JsonValue.Create("1"), JsonValue.Create(true), new JsonObject(), new JsonArray()],
        System.Text.Json.JsonValueKind.Object => [JsonValue.Create("x"), JsonValue.Create(5), new JsonArray()],
        _ => [JsonValue.Create("x"), JsonValue.Create(5), new JsonObject()],
    };

    private static JsonNode? Find(JsonNode root, string path) => Steps(path).Aggregate<object, JsonNode?>(root, (node, step) => step is int i ? node![i] : node![(string)step]);

    private static void Replace(JsonNode root, string path, JsonNode value)
    {
        var steps = Steps(path).ToList();
        var parent = Find(root, string.Concat(steps.SkipLast(1).Select((s, i) => s is int n ? $"[{n}]" : (i == 0 ? "" : ".") + s)))!;
        if (steps[^1] is int index)
        {
            parent[index] = value;
        }
        else
        {
            parent[(string)steps[^1]] = value;
        }
    }

    private static IEnumerable<object> Steps(string path)
    {
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            yield return bracket < 0 ? part : part[..bracket];
            foreach (var index in bracket < 0 ? [] : part[bracket..].Trim('[', ']').Split("]["))
            {
                yield return int.Parse(index, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }
}
