using System.Globalization;
using System.Text.Json.Nodes;

namespace ConversationSender.Sandbox;

/// <summary>A scripted answer to one <c>messages:send</c> call (fault switches and tests).</summary>
public sealed record FakeResponse(int Status, string? Body = null, string ContentType = "application/json", TimeSpan Delay = default)
{
    public Dictionary<string, string> Headers { get; init; } = [];

    /// <summary>Answer 401 "token expired" and forget the token, so the client must fetch a new one.</summary>
    public bool ExpiresToken { get; init; }

    /// <summary>Take the message (it is listed), then drop the connection before answering: an ambiguous send that went through.</summary>
    public bool AcceptThenReset { get; init; }

    /// <summary>Drop the connection before taking the message: an ambiguous send that did not go through.</summary>
    public bool ResetBeforeProcessing { get; init; }

    /// <summary>Take the message and send the 200's headers at once, its body only after this long.</summary>
    public TimeSpan BodyDelay { get; init; }

    /// <summary>When set, the answer waits for it (a test holds a send in flight for as long as it needs, not a guessed delay).</summary>
    public Task? HeldUntil { get; init; }

    /// <summary>A human label for the page.</summary>
    public string Label { get; init; } = "";

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

        return new FakeResponse(status, new JsonObject { ["error"] = error }.ToJsonString()) { Label = $"{status} {statusName}" };
    }

    public static FakeResponse RateLimited(int? retryAfterSeconds) =>
        SinchError(429, "RESOURCE_EXHAUSTED", "Too many requests") with
        {
            Headers = retryAfterSeconds is { } s ? new() { ["Retry-After"] = s.ToString(CultureInfo.InvariantCulture) } : [],
            Label = retryAfterSeconds is { } r ? $"429 (Retry-After {r})" : "429 (no Retry-After)",
        };

    public static FakeResponse Unavailable(int? retryAfterSeconds = null) =>
        SinchError(503, "UNAVAILABLE", "The service is unavailable") with
        {
            Headers = retryAfterSeconds is { } s ? new() { ["Retry-After"] = s.ToString(CultureInfo.InvariantCulture) } : [],
        };

    public static FakeResponse TokenExpired() => new(401) { ExpiresToken = true, Label = "401 token expired" };

    public static FakeResponse AcceptedThenReset() => new(200) { AcceptThenReset = true, Label = "accepted, then connection reset" };

    public static FakeResponse ResetBeforeAccepting() => new(200) { ResetBeforeProcessing = true, Label = "connection reset before processing" };

    /// <summary>Accepted and answered 200 at once, but the answer's body arrives only after <paramref name="stall"/>.</summary>
    public static FakeResponse AcceptedThenStalled(TimeSpan stall) => new(200) { BodyDelay = stall, Label = $"accepted, body after {stall.TotalMilliseconds:F0} ms" };

    /// <summary>Accepted, but only after a delay.</summary>
    public static FakeResponse Slow(TimeSpan delay) => new(200, null, Delay: delay) { Label = $"accepted after {delay.TotalMilliseconds:F0} ms" };
}
