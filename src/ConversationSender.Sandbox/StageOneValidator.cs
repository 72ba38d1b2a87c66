using System.Text.Json;
using System.Text.RegularExpressions;

namespace ConversationSender.Sandbox;

/// <summary>
/// The checks Sinch runs before accepting a send (API reference §6, "stage 1"), answered as Sinch does:
/// 400 INVALID_ARGUMENT with <c>google.rpc.BadRequest</c> field violations.
/// </summary>
/// <remarks>
/// Independent of the product's validator on purpose, and written from Sinch's documentation rather than from the
/// product's code: it is the test suite's second opinion on the wire format, so the two must not share a mistake.
/// A wrong JSON type anywhere is a violation (Sinch's proto JSON decoding refuses it), never an exception.
/// </remarks>
public static partial class StageOneValidator
{
    public static readonly string[] Channels =
    [
        "WHATSAPP", "RCS", "SMS", "MESSENGER", "VIBER", "VIBERBM", "MMS", "INSTAGRAM",
        "TELEGRAM", "KAKAOTALK", "KAKAOTALKCHAT", "LINE", "WECHAT", "APPLEBC",
    ];

    // API reference §3.5 (the Node SDK's ChannelPropertyKey); the SDKs treat the list as open.
    private static readonly string[] ChannelPropertyKeys =
    [
        "MESSENGER_MESSAGING_TYPE", "MESSENGER_MESSAGE_TAG", "MESSENGER_NOTIFICATION_TYPE", "VIBER_SENDER_NAME", "VIBER_SENDER_AVATAR",
        "SMS_FLASH_MESSAGE", "MMS_SENDER", "TELEGRAM_DISABLE_LINK_PREVIEW", "SMS_SENDER", "INSTAGRAM_MESSAGE_TAG", "MMS_STRICT_VALIDATION",
        "KAKAOTALK_AUTHENTICATION", "LINE_VIDEO_TRACKING_ID", "SMS_MAX_NUMBER_OF_MESSAGE_PARTS",
    ];

    // §3.1: the documented ttl range, in seconds.
    private const long MinTtl = 3;
    private const long MaxTtl = 315_576_000_000;

    public static List<(string Field, string Description)> Check(JsonElement body) => Check(body, new SandboxOptions());

    public static List<(string Field, string Description)> Check(JsonElement body, SandboxOptions options)
    {
        var v = new ViolationList();
        if (body.ValueKind != JsonValueKind.Object)
        {
            v.Add("", "the request body must be a JSON object");
            return [.. v.All];
        }

        var message = new AppMessageRules(v, options);
        v.Fields(body, "", new Dictionary<string, Action<JsonElement, string>>
        {
            ["app_id"] = (value, path) => v.Text(value, path, required: true),
            ["recipient"] = (value, path) => Recipient(value, path, v, options),
            ["message"] = message.Message,
            ["callback_url"] = (value, path) => v.Url(value, path),
            ["channel_priority_order"] = (value, path) => v.Items(value, path, int.MaxValue, (item, at) => v.Enum(item, at, Channels)),
            ["channel_properties"] = (value, path) => ChannelProperties(value, path, v, message, options),
            ["message_metadata"] = (value, path) => v.Text(value, path, max: 1024),
            ["conversation_metadata"] = (value, path) => ConversationMetadata(value, path, v),
            ["queue"] = (value, path) => v.Enum(value, path, ["NORMAL_PRIORITY", "HIGH_PRIORITY"]),
            ["ttl"] = (value, path) => Ttl(value, path, v),
            ["processing_strategy"] = (value, path) => v.Enum(value, path, ["DEFAULT", "DISPATCH_ONLY"]),
            ["correlation_id"] = (value, path) => v.Text(value, path, max: 128),
            ["conversation_metadata_update_strategy"] = (value, path) => v.Enum(value, path, ["REPLACE", "MERGE_PATCH"]),
            ["message_content_type"] = (value, path) => v.Enum(value, path, ["CONTENT_UNKNOWN", "CONTENT_MARKETING", "CONTENT_NOTIFICATION"]),
        }, "app_id", "recipient", "message");
        if (body.TryGetProperty("project_id", out _))
        {
            v.Add("project_id", "is a path parameter, not a body field");
        }

        return [.. v.All];
    }

    private static void Recipient(JsonElement recipient, string path, ViolationList v, SandboxOptions options)
    {
        v.Fields(recipient, path, new Dictionary<string, Action<JsonElement, string>>
        {
            ["contact_id"] = (value, at) =>
            {
                v.Text(value, at, required: true);
                if (options.ProcessingMode == SandboxOptions.DispatchMode)
                {
                    // Documented (§3.2): "If Dispatch Mode is used, only identified_by is allowed."
                    v.Add(at, "an app in DISPATCH mode has no contacts: use identified_by");
                }
            },
            ["identified_by"] = (value, at) => v.Fields(value, at, new Dictionary<string, Action<JsonElement, string>>
            {
                ["channel_identities"] = (list, p) => v.Items(list, p, int.MaxValue, (item, q) => v.Fields(item, q, new Dictionary<string, Action<JsonElement, string>>
                {
                    ["channel"] = (c, r) => v.Enum(c, r, Channels),
                    ["identity"] = (i, r) => v.Text(i, r, required: true),
                    // Whether Sinch takes an app_id in a recipient's identity is not documented (§3.2): tolerated.
                    ["app_id"] = (a, r) => v.Text(a, r),
                }, "channel", "identity"), required: true),
            }, "channel_identities"),
        });
        if (recipient.ValueKind == JsonValueKind.Object && recipient.TryGetProperty("contact_id", out _) == recipient.TryGetProperty("identified_by", out _))
        {
            v.Add(path, "requires either contact_id or identified_by");
        }
    }

    private static void ChannelProperties(JsonElement value, string path, ViolationList v, AppMessageRules message, SandboxOptions options)
    {
        message.StringMap(value, path, 1024);
        if (options.RefuseUnknownChannelPropertyKeys && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var key in value.EnumerateObject().Where(p => !ChannelPropertyKeys.Contains(p.Name)))
            {
                v.Add(ViolationList.Join(path, key.Name), "is no channel property key");
            }
        }
    }

    private static void ConversationMetadata(JsonElement value, string path, ViolationList v)
    {
        // §3.1: a JSON object only, at most 2048 characters.
        if (v.IsObject(value, path) && value.GetRawText().Length > 2048)
        {
            v.Add(path, "must be at most 2048 characters");
        }
    }

    private static void Ttl(JsonElement value, string path, ViolationList v)
    {
        if (v.Text(value, path) is not { } text)
        {
            return;
        }

        var match = Duration().Match(text);
        if (!match.Success || !long.TryParse(match.Groups["seconds"].Value, out var seconds) || seconds is < MinTtl or > MaxTtl)
        {
            v.Add(path, $"must be a duration string of {MinTtl} to {MaxTtl} seconds, such as \"600s\"");
        }
    }

    [GeneratedRegex(@"^(?<seconds>\d{1,12})s$", RegexOptions.NonBacktracking)]
    private static partial Regex Duration();
}
