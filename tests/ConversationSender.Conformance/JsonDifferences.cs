using System.Text.Json;

namespace ConversationSender.Conformance;

/// <summary>
/// Where two JSON documents differ, as paths (<c>message.card_message.title</c>): property order is not a difference,
/// numbers are compared by value (47.60 equals 47.6), everything else exactly.
/// </summary>
public static class JsonDifferences
{
    public static List<string> Between(JsonElement expected, JsonElement actual)
    {
        var differences = new List<string>();
        Compare(expected, actual, "", differences);
        return differences;
    }

    private static void Compare(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        if (expected.ValueKind != actual.ValueKind && !(IsBoolean(expected) && IsBoolean(actual) && expected.GetBoolean() == actual.GetBoolean()))
        {
            differences.Add($"{Name(path)}: expected {expected.ValueKind}, sent {actual.ValueKind}");
            return;
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var sent = actual.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                foreach (var property in expected.EnumerateObject())
                {
                    if (sent.Remove(property.Name, out var value))
                    {
                        Compare(property.Value, value, Join(path, property.Name), differences);
                    }
                    else
                    {
                        differences.Add($"{Join(path, property.Name)}: missing");
                    }
                }

                differences.AddRange(sent.Keys.Select(name => $"{Join(path, name)}: added"));
                break;
            case JsonValueKind.Array:
                if (expected.GetArrayLength() != actual.GetArrayLength())
                {
                    differences.Add($"{Name(path)}: {expected.GetArrayLength()} items expected, {actual.GetArrayLength()} sent");
                    return;
                }

                for (var i = 0; i < expected.GetArrayLength(); i++)
                {
                    Compare(expected[i], actual[i], $"{path}[{i}]", differences);
                }

                break;
            case JsonValueKind.Number:
                if (!(expected.TryGetDecimal(out var e) && actual.TryGetDecimal(out var a) && e == a) && expected.GetRawText() != actual.GetRawText())
                {
                    differences.Add($"{Name(path)}: expected {expected.GetRawText()}, sent {actual.GetRawText()}");
                }

                break;
            case JsonValueKind.String:
                if (expected.GetString() != actual.GetString())
                {
                    differences.Add($"{Name(path)}: expected {expected.GetRawText()}, sent {actual.GetRawText()}");
                }

                break;
        }
    }

    private static bool IsBoolean(JsonElement value) => value.ValueKind is JsonValueKind.True or JsonValueKind.False;

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Name(string path) => path.Length == 0 ? "(body)" : path;
}
