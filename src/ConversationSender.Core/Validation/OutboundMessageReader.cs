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
