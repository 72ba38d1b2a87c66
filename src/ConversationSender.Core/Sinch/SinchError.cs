using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConversationSender.Sinch;

/// <summary>Sinch's error body, <c>{"error":{code,message,status,details}}</c> or the same fields unwrapped.</summary>
public sealed class SinchError
{
    public int? Code { get; set; }

    public string? Message { get; set; }

    public string? Status { get; set; }

    public IList<JsonElement>? Details { get; set; }

    /// <summary>The field violations of any <c>google.rpc.BadRequest</c> detail.</summary>
    [JsonIgnore]
    public IReadOnlyList<SinchFieldViolation> FieldViolations =>
        Details is null ? [] : [.. Details.SelectMany(ReadViolations)];

    private static IEnumerable<SinchFieldViolation> ReadViolations(JsonElement detail)
    {
        if (detail.ValueKind != JsonValueKind.Object
            || !detail.TryGetProperty("field_violations", out var violations)
            || violations.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var violation in violations.EnumerateArray())
        {
            if (violation.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            yield return new SinchFieldViolation(
                ReadString(violation, "field") ?? "",
                ReadString(violation, "description") ?? "");
        }
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
