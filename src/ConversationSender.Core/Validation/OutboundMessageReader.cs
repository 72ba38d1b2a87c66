using System.Text.Json;
using ConversationSender.Contract;

namespace ConversationSender.Validation;

/// <summary>Turns raw bytes into an <see cref="OutboundMessage"/>, or into one error that says where the JSON went wrong.</summary>
public static class OutboundMessageReader
{
    public static bool TryRead(BinaryData body, out OutboundMessage? message, out FieldError? error)
    {
        message = null;
        error = null;
        body = Utf8ByteOrderMark.Strip(body);
        if (body.IsEmpty || body.ToMemory().Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            error = new FieldError("$", "the message is empty; expected a JSON object");
            return false;
        }

        if (FindUnpairedSurrogate(body.ToMemory().Span) is { } position)
        {
            error = new FieldError("$", $"the message has a string with an unpaired UTF-16 surrogate escape (\\uD800-\\uDFFF){position}; JSON text must be valid Unicode");
            return false;
        }

        try
        {
            message = JsonSerializer.Deserialize(body.ToMemory().Span, ContractJsonContext.Default.OutboundMessage);
        }
        catch (JsonException ex)
        {
            error = Describe(ex);
            return false;
        }

        if (message is null)
        {
            error = new FieldError("$", "expected a JSON object, found null");
            return false;
        }

        return true;
    }

    // RFC 8259 allows "\ud800" escapes the parser accepts but cannot turn into a string; every later read of that
    // value would throw. Checked once, up front: only escaped strings need it. Syntax errors are left to the parser.
    private static string? FindUnpairedSurrogate(ReadOnlySpan<byte> json)
    {
        // Any such escape contains the bytes \u: a vectorised search spares nearly every message the reader's pass.
        if (json.IndexOf("\\u"u8) < 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                {
                    try
                    {
                        _ = reader.GetString();
                    }
                    catch (InvalidOperationException)
                    {
                        return $" (byte {reader.TokenStartIndex + 1})";
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    // The exception text may quote the offending value; only its location and kind are reported.
    private static FieldError Describe(JsonException ex)
    {
        var field = FieldPath.FromJsonPath(ex.Path);
        var text = ex.Message;
        if (text.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return new FieldError(field, "unknown field");
        }

        if (text.Contains("could not be converted", StringComparison.Ordinal))
        {
            return new FieldError(field, "has the wrong type");
        }

        var position = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
        return new FieldError("$", $"the message is not valid JSON{position}");
    }
}
