using System.Text.Json;

namespace ConversationSender.Sandbox;

/// <summary>
/// The field violations of one request, as Sinch lists them in <c>google.rpc.BadRequest</c>, and the checks of JSON
/// types that add to them. A field of the wrong JSON type is a violation, never an exception: Sinch answers 400.
/// </summary>
public sealed class ViolationList
{
    private readonly List<(string Field, string Description)> _items = [];

    public IReadOnlyList<(string Field, string Description)> All => _items;

    public int Count => _items.Count;

    public void Add(string field, string description) => _items.Add((field, description));

    /// <summary>True when <paramref name="value"/> is an object; else a violation (absent values are the caller's business).</summary>
    public bool IsObject(JsonElement value, string path) => Expect(value, JsonValueKind.Object, path, "must be an object");

    public bool IsArray(JsonElement value, string path) => Expect(value, JsonValueKind.Array, path, "must be an array");

    public bool IsNumber(JsonElement value, string path) => Expect(value, JsonValueKind.Number, path, "must be a number");

    /// <summary>A string of at most <paramref name="max"/> characters (and not blank when <paramref name="required"/>).</summary>
    public string? Text(JsonElement value, string path, bool required = false, int max = int.MaxValue)
    {
        if (!Expect(value, JsonValueKind.String, path, "must be a string"))
        {
            return null;
        }

        var text = value.GetString()!;
        if (required && string.IsNullOrWhiteSpace(text))
        {
            Add(path, "must not be empty");
        }
        else if (text.Length > max)
        {
            Add(path, $"must be at most {max} characters");
        }

        return text;
    }

    public void Enum(JsonElement value, string path, IReadOnlyCollection<string> allowed)
    {
        if (Text(value, path) is { } text && !allowed.Contains(text))
        {
            Add(path, $"must be one of {string.Join(", ", allowed)}");
        }
    }

    /// <summary>An absolute http or https URL: what Sinch fetches (media) or posts to (callbacks).</summary>
    public void Url(JsonElement value, string path, bool required = false)
    {
        if (Text(value, path, required) is { Length: > 0 } text
            && !(Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0))
        {
            Add(path, "must be an absolute http or https URL");
        }
    }

    public void Range(JsonElement value, string path, double min, double max)
    {
        if (IsNumber(value, path) && (!value.TryGetDouble(out var number) || number < min || number > max))
        {
            Add(path, $"must be between {min} and {max}");
        }
    }

    /// <summary>An array of at most <paramref name="max"/> items, each checked by <paramref name="item"/>.</summary>
    public void Items(JsonElement value, string path, int max, Action<JsonElement, string> item, bool required = false)
    {
        if (!IsArray(value, path))
        {
            return;
        }

        var count = value.GetArrayLength();
        if (required && count == 0)
        {
            Add(path, "must not be empty");
        }
        else if (count > max)
        {
            Add(path, $"must have at most {max} items");
        }

        var i = 0;
        foreach (var element in value.EnumerateArray())
        {
            item(element, $"{path}[{i++}]");
        }
    }

    /// <summary>Checks the fields of an object: unknown names are violations; <paramref name="required"/> must be present and not null.</summary>
    public void Fields(JsonElement value, string path, IReadOnlyDictionary<string, Action<JsonElement, string>> fields, params string[] required)
    {
        if (!IsObject(value, path))
        {
            return;
        }

        foreach (var property in value.EnumerateObject())
        {
            var name = Join(path, property.Name);
            if (!fields.TryGetValue(property.Name, out var check))
            {
                Add(name, "unknown field");
            }
            else if (property.Value.ValueKind != JsonValueKind.Null)
            {
                // Null is proto3 JSON's "not set": an optional field given null is absent, not wrong.
                check(property.Value, name);
            }
        }

        foreach (var name in required.Where(r => !value.TryGetProperty(r, out var v) || v.ValueKind == JsonValueKind.Null))
        {
            Add(Join(path, name), "must not be empty");
        }
    }

    public static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private bool Expect(JsonElement value, JsonValueKind kind, string path, string description)
    {
        if (value.ValueKind == kind)
        {
            return true;
        }

        Add(path, description);
        return false;
    }
}
