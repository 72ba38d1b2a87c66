using System.Globalization;
using System.Text.Json;
using ConversationSender.Contract;

namespace ConversationSender.Validation;

/// <summary>The options of a send beside its recipient and message: callback, metadata, TTL, queue and the other closed values.</summary>
internal static class SendOptionsValidator
{
    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    public static string? ValidateCallbackUrl(string? url, FieldErrors errors)
    {
        if (url is not null && !JsonFieldChecker.IsHttpUrl(url))
        {
            errors.Add(new FieldError("callback_url", "must be an absolute http(s) URL"));
            return null;
        }

        return url;
    }

    // Keys are open: Sinch adds channel properties (SMS_SENDER, MESSENGER_MESSAGING_TYPE, …) more often than channels.
    public static IDictionary<string, string>? ValidateChannelProperties(IDictionary<string, string>? properties, FieldErrors errors)
    {
        // Most messages have none: no empty dictionary and enumerator per message to say so.
        if (properties is null)
        {
            return null;
        }

        foreach (var (key, value) in properties)
        {
            if (value is null)
            {
                errors.Add(new FieldError($"channel_properties.{key}", "must be a string"));
            }
            else if (value.Length > MessageContract.ChannelPropertyMaxLength)
            {
                errors.Add(new FieldError($"channel_properties.{key}", $"must be at most {MessageContract.ChannelPropertyMaxLength} characters"));
            }
        }

        return properties;
    }

    public static JsonElement? ValidateConversationMetadata(JsonElement? metadata, FieldErrors errors)
    {
        if (metadata is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("conversation_metadata", "must be a JSON object"));
        }
        else if (value.GetRawText().Length > MessageContract.ConversationMetadataMaxLength)
        {
            errors.Add(new FieldError("conversation_metadata", $"must be at most {MessageContract.ConversationMetadataMaxLength} characters of JSON"));
        }

        return value;
    }

    public static string? ValidateTtl(JsonElement? ttl, FieldErrors errors)
    {
        if (ttl is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        long? seconds = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String => ParseTtlSeconds(value.GetString()!),
            _ => null,
        };

        if (seconds is null)
        {
            errors.Add(new FieldError("ttl", "must be whole seconds, as a number (600) or a string (\"600s\")"));
            return null;
        }

        if (seconds is < MessageContract.TtlMinSeconds or > MessageContract.TtlMaxSeconds)
        {
            errors.Add(new FieldError("ttl", $"must be between {MessageContract.TtlMinSeconds} and {MessageContract.TtlMaxSeconds} seconds"));
            return null;
        }

        return $"{seconds.Value.ToString(CultureInfo.InvariantCulture)}s";
    }

    public static string? OneOf(string? value, IReadOnlyList<string> allowed, string field, FieldErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(new FieldError(field, $"unknown value '{Shorten(value)}'; expected one of {string.Join(", ", allowed)}"));
            return null;
        }

        return value;
    }

    public static string? MaxLength(string? value, int max, string field, FieldErrors errors)
    {
        if (value is not null && value.Length > max)
        {
            errors.Add(new FieldError(field, $"must be at most {max} characters"));
        }

        return value;
    }

    // Enum-like values are echoed to help the caller, but never at length.
    public static string Shorten(string value) => value.Length <= 32 ? value : value[..32] + "…";

    // "600", "600s", " 600 s ": digits, an optional unit, spaces around. One pass, no regular expression.
    internal static long? ParseTtlSeconds(string text)
    {
        var span = text.AsSpan().Trim();
        if (span.EndsWith("s", StringComparison.Ordinal))
        {
            span = span[..^1].TrimEnd();
        }

        return span.Length is >= 1 and <= 15 && !span.ContainsAnyExcept(Digits)
            && long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
    }
}
