using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ConversationSender.Sending;
using ConversationSender.Validation;

namespace ConversationSender.Functions.Http;

/// <summary>An HTTP answer of this API: status, optional Retry-After and headers, and a source-generated JSON body.</summary>
public sealed class JsonApiResult(int statusCode, object body, TimeSpan? retryAfter = null) : IActionResult
{
    public int StatusCode { get; } = statusCode;

    public object Body { get; } = body;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public Dictionary<string, string> Headers { get; } = [];

    public static JsonApiResult Problem(int status, string type, string title, string? detail, IReadOnlyList<FieldError>? errors = null, SendOutcome.Rejected? rejected = null, TimeSpan? retryAfter = null) =>
        new(status, new ProblemDocument
        {
            Type = type,
            Title = title,
            Status = status,
            Detail = detail,
            Errors = ErrorMap(errors),
            UpstreamStatus = (int?)rejected?.UpstreamStatus,
            SinchStatus = rejected?.SinchStatus,
        }, retryAfter);

    public static IDictionary<string, string[]>? ErrorMap(IReadOnlyList<FieldError>? errors) =>
        errors is null || errors.Count == 0 ? null : errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        if (RetryAfter is { } wait)
        {
            // Whole seconds, rounded up: a client that waits less than asked would just be refused again.
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        // Every problem names its trace, so that a caller's report can be found in the logs.
        var body = Body is ProblemDocument { TraceId: null } problem
            ? problem with { TraceId = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier }
            : Body;
        response.ContentType = body is ProblemDocument ? "application/problem+json" : "application/json";
        await JsonSerializer.SerializeAsync(response.Body, body, UnescapedJson.Context.GetTypeInfo(body.GetType())!, context.HttpContext.RequestAborted);
    }
}
