using System.Text;
using System.Text.Json.Nodes;

namespace ConversationSender.Testing;

/// <summary>One message with one field replaced by a hostile value.</summary>
/// <param name="Field">The field's path with indices dropped (<c>message.choice_message.choices[].text_message.text</c>).</param>
/// <param name="Kind">What was put there: spaces, digits, separators, deep nesting, a huge number, lone surrogates, control characters.</param>
public sealed record HostileInputCase(string Field, string Kind, string Json)
{
    public override string ToString() => $"{Field} ← {Kind}";
}

/// <summary>
/// For every string field found in a set of valid messages, the values an attacker (or a broken client) sends:
/// long runs of spaces, digits and separators, nesting far past any parser's depth, a number of thousands of digits,
/// unpaired surrogates and control characters. Each field is taken once, from the first message that has it.
/// </summary>
public static class HostileInputCases
{
    /// <summary>A valid message with every optional top-level string of the contract, beside the README's message kinds.</summary>
    public const string EveryOption = """
        { "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456",
          "correlation_id": "order-1", "message_metadata": "meta", "ttl": "600s", "callback_url": "https://example.com/cb",
          "queue": "HIGH_PRIORITY", "processing_strategy": "DEFAULT", "idempotency_key": "key-1",
          "channel_properties": { "SMS_SENDER": "Shop" }, "conversation_metadata_update_strategy": "REPLACE",
          "message_content_type": "CONTENT_NOTIFICATION", "channel_priority_order": ["SMS"] }
        """;

    public static readonly IReadOnlyList<string> Kinds = ["spaces", "digits", "separators", "deep nesting", "huge number", "lone surrogates", "control characters"];

    public static IReadOnlyList<HostileInputCase> For(IEnumerable<string> validMessages, int payloadChars)
    {
        var cases = new List<HostileInputCase>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in validMessages)
        {
            var root = JsonNode.Parse(message)!;
            foreach (var (path, field) in StringLeaves(root, ""))
            {
                if (!seen.Add(field))
                {
                    continue;
                }

                foreach (var kind in Kinds)
                {
                    cases.Add(new HostileInputCase(field, kind, Replace(root, path, Payload(kind, payloadChars))));
                }
            }
        }

        return cases;
    }

    /// <summary>The JSON text put in place of the string (a raw JSON value, so it can also be a number or an array).</summary>
    private static string Payload(string kind, int chars) => kind switch
    {
        "spaces" => Quoted(new string(' ', chars)),
        "digits" => Quoted(new string('7', chars)),
        "separators" => Quoted(Repeat(",;:|/.-_+ ", chars)),
        "deep nesting" => new string('[', chars / 2) + new string(']', chars / 2),
        "huge number" => "9" + new string('9', chars - 1),
        "lone surrogates" => Quoted(Repeat("\\ud800", chars)),
        "control characters" => Quoted(Repeat("\\u0000\\u0001\\u001b\\u007f", chars)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string Quoted(string body) => "\"" + body + "\"";

    private static string Repeat(string unit, int chars)
    {
        var text = new StringBuilder(chars + unit.Length);
        while (text.Length < chars)
        {
            text.Append(unit);
        }

        return text.ToString(0, chars - (chars % unit.Length));
    }

    // The placeholder is replaced textually: a raw value (nesting, a number) cannot be built as a JsonNode.
    private static string Replace(JsonNode root, string path, string rawValue)
    {
        const string marker = "\u0001HOSTILE\u0001";
        var copy = root.DeepClone();
        Set(copy, path, marker);
        return copy.ToJsonString().Replace("\"\\u0001HOSTILE\\u0001\"", rawValue, StringComparison.Ordinal);
    }

    private static void Set(JsonNode root, string path, string value)
    {
        var node = root;
        var steps = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < steps.Length - 1; i++)
        {
            node = int.TryParse(steps[i], out var index) && node is JsonArray array ? array[index]! : node[steps[i]]!;
        }

        var last = steps[^1];
        if (int.TryParse(last, out var at) && node is JsonArray items)
        {
            items[at] = value;
        }
        else
        {
            node[last] = value;
        }
    }

    private static IEnumerable<(string Path, string Field)> StringLeaves(JsonNode? node, string path, string field = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    foreach (var leaf in StringLeaves(child, $"{path}/{name}", field.Length == 0 ? name : $"{field}.{name}"))
                    {
                        yield return leaf;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var leaf in StringLeaves(array[i], $"{path}/{i}", field + "[]"))
                    {
                        yield return leaf;
                    }
                }

                break;
            case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String:
                yield return (path, field);
                break;
        }
    }
}
