using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConversationSender.Tests.Infrastructure;

/// <summary>A scripted answer of the fake Sinch server to one <c>messages:send</c> call.</summary>
public sealed record FakeResponse(int Status, string? Body = null, string ContentType = "application/json", TimeSpan Delay = default)
{
    public Dictionary<string, string> Headers { get; init; } = [];

    public static FakeResponse SinchError(int status, string statusName, string message, params (string Field, string Description)[] violations)
    {
        var error = new JsonObject { ["code"] = status, ["message"] = message, ["status"] = statusName };
        if (violations.Length > 0)
        {
            var list = new JsonArray();
            foreach (var (field, description) in violations)
            {
                list.Add(new JsonObject { ["field"] = field, ["description"] = description });
            }

            error["details"] = new JsonArray(new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.BadRequest", ["field_violations"] = list });
        }

        return new FakeResponse(status, new JsonObject { ["error"] = error }.ToJsonString());
    }

    public static FakeResponse RateLimited(int? retryAfterSeconds) =>
        SinchError(429, "RESOURCE_EXHAUSTED", "Too many requests") with
        {
            Headers = retryAfterSeconds is { } s ? new() { ["Retry-After"] = s.ToString(System.Globalization.CultureInfo.InvariantCulture) } : [],
        };

    public static FakeResponse Unavailable(int? retryAfterSeconds = null) =>
        SinchError(503, "UNAVAILABLE", "The service is unavailable") with
        {
            Headers = retryAfterSeconds is { } s ? new() { ["Retry-After"] = s.ToString(System.Globalization.CultureInfo.InvariantCulture) } : [],
        };

    public static FakeResponse Slow(TimeSpan delay) => new(200, null, Delay: delay);

    public static string Json(object value) => JsonSerializer.Serialize(value);
}
