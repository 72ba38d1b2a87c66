using System.Text.Json;

namespace ConversationSender.Sandbox;

/// <summary>Reads Sinch's error envelope of a scripted answer, so the page can say why a send was refused.</summary>
internal static class SinchErrorBody
{
    public static (string? Reason, IReadOnlyList<FieldError>? FieldErrors) Read(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var reason = error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() : null;
            var fields = new List<FieldError>();
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var detail in details.EnumerateArray())
                {
                    if (detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("field_violations", out var violations) && violations.ValueKind == JsonValueKind.Array)
                    {
                        fields.AddRange(violations.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Object).Select(v => new FieldError(Text(v, "field"), Text(v, "description"))));
                    }
                }
            }

            return (reason, fields.Count > 0 ? fields : null);
        }
        catch (JsonException)
        {
            // Not Sinch's envelope (a scripted HTML page): the outcome label says enough.
            return (null, null);
        }
    }

    private static string Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
