using System.Text.Json;

namespace ConversationSender.Validation;

/// <summary>
/// Checks fields of raw JSON objects and records each problem under its JSON path. Values are never
/// quoted back: they may be identities or message texts.
/// </summary>
internal readonly struct JsonFieldChecker(FieldErrors errors)
{
    public void Add(string path, string message) => errors.Add(new FieldError(path, message));

    public string ExpectedChannel() => ConversationChannels.Expected(errors);

    public bool IsObject(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        Add(path, "must be a JSON object");
        return false;
    }

    public static bool TryGet(JsonElement parent, string name, out JsonElement value) =>
        parent.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public string? String(JsonElement parent, string name, string path, bool required, int maxLength = int.MaxValue)
    {
        var field = $"{path}.{name}";
        if (!TryGet(parent, name, out var value))
        {
            if (required)
            {
                Add(field, "is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Add(field, "must be a string");
            return null;
        }

        var text = value.GetString()!;
        if (required && string.IsNullOrWhiteSpace(text))
        {
            Add(field, "must not be empty");
        }
        else if (text.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters (has {text.Length})");
        }

        return text;
    }

    public void Url(JsonElement parent, string name, string path, bool required)
    {
        if (String(parent, name, path, required) is { Length: > 0 } url && !IsHttpUrl(url))
        {
            Add($"{path}.{name}", "must be an absolute http(s) URL");
        }
    }

    public void Enum(JsonElement parent, string name, string path, IReadOnlyCollection<string> allowed, bool required = false)
    {
        if (String(parent, name, path, required) is { } value && !allowed.Contains(value))
        {
            Add($"{path}.{name}", $"unknown value; expected one of {string.Join(", ", allowed)}");
        }
    }

    /// <summary>Optional text fields: each one present must be a JSON string.</summary>
    public void Strings(JsonElement parent, string path, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            String(parent, name, path, required: false);
        }
    }

    public void Number(JsonElement parent, string name, string path, double min = double.MinValue, double max = double.MaxValue, bool required = true)
    {
        var field = $"{path}.{name}";
        if (!TryGet(parent, name, out var value))
        {
            if (required)
            {
                Add(field, "is required");
            }
        }
        else if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
        {
            Add(field, "must be a number");
        }
        else if (number < min || number > max)
        {
            Add(field, $"must be between {min} and {max}");
        }
    }

    /// <summary>The items of an array field, after checking its presence and size.</summary>
    public IReadOnlyList<JsonElement> Array(JsonElement parent, string name, string path, bool required, int minItems = 0, int maxItems = int.MaxValue)
    {
        var field = $"{path}.{name}";
        if (!TryGet(parent, name, out var value))
        {
            if (required)
            {
                Add(field, "is required");
            }

            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Add(field, "must be an array");
            return [];
        }

        var count = value.GetArrayLength();
        if (count < minItems)
        {
            Add(field, minItems == 1 ? "must not be empty" : $"must have at least {minItems} items");
        }
        else if (count > maxItems)
        {
            Add(field, $"must have at most {maxItems} items (has {count})");
        }

        return [.. value.EnumerateArray()];
    }

    /// <summary>The items of an array field that are objects, each with its path; any other item is recorded.</summary>
    public IEnumerable<(JsonElement Item, string Path)> Objects(JsonElement parent, string name, string path, bool required, int minItems = 0, int maxItems = int.MaxValue)
    {
        var items = Array(parent, name, path, required, minItems, maxItems);
        var objects = new List<(JsonElement, string)>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var at = $"{path}.{name}[{i}]";
            if (IsObject(items[i], at))
            {
                objects.Add((items[i], at));
            }
        }

        return objects;
    }

    /// <summary>An optional object field; null when absent or not an object (the latter is recorded).</summary>
    public JsonElement? Object(JsonElement parent, string name, string path, bool required = false)
    {
        if (!TryGet(parent, name, out var value))
        {
            if (required)
            {
                Add($"{path}.{name}", "is required");
            }

            return null;
        }

        return IsObject(value, $"{path}.{name}") ? value : null;
    }

    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
