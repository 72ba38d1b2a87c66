using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ConversationSender.Sending;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ConversationSender.Functions.Http;

/// <summary>Translates a <see cref="SendOutcome"/> into the HTTP answer (status, Retry-After, JSON body).</summary>
public sealed class SendOutcomeHttpResult(int statusCode, object body, TimeSpan? retryAfter = null) : IActionResult
{
    public int StatusCode { get; } = statusCode;

    public object Body { get; } = body;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public static SendOutcomeHttpResult From(SendOutcome outcome) => outcome switch
    {
        SendOutcome.Accepted a => new(StatusCodes.Status200OK, new AcceptedResponse(a.MessageId, a.AcceptedTime)),
        SendOutcome.Rejected { UpstreamStatus: null } r => Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "The message is invalid.", r.Reason, r),
        SendOutcome.Rejected r => Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.RejectedBySinch, "Sinch rejected the message.", r.Reason, r),
        SendOutcome.Transient { UpstreamStatus: HttpStatusCode.TooManyRequests } t => new(
            StatusCodes.Status429TooManyRequests,
            new ProblemDocument { Type = ProblemTypes.RateLimited, Title = "Sinch is rate-limiting sends; try again later.", Status = 429, Detail = t.Reason, UpstreamStatus = 429, TraceId = TraceId() },
            t.RetryAfter),
        SendOutcome.Transient t => new(
            StatusCodes.Status503ServiceUnavailable,
            new ProblemDocument { Type = ProblemTypes.Unavailable, Title = "The message could not be sent now; try again later.", Status = 503, Detail = t.Reason, UpstreamStatus = (int?)t.UpstreamStatus, TraceId = TraceId() },
            t.RetryAfter),
        SendOutcome.Misconfigured m => new(
            StatusCodes.Status502BadGateway,
            new ProblemDocument { Type = ProblemTypes.Misconfigured, Title = "The sender is misconfigured; an operator must fix a setting.", Status = 502, Detail = m.Reason, Setting = m.SettingName, TraceId = TraceId() }),
        _ => throw new UnreachableException($"Unknown outcome {outcome.GetType().Name}."),
    };

    public static SendOutcomeHttpResult Problem(int status, string type, string title, string? detail) =>
        new(status, new ProblemDocument { Type = type, Title = title, Status = status, Detail = detail, TraceId = TraceId() });

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        if (RetryAfter is { } wait)
        {
            // Whole seconds, rounded up: a client that waits less than asked would just be refused again.
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (Body is ProblemDocument problem)
        {
            response.ContentType = "application/problem+json";
            await JsonSerializer.SerializeAsync(response.Body, problem, HttpJsonContext.Default.ProblemDocument, context.HttpContext.RequestAborted);
        }
        else
        {
            response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(response.Body, (AcceptedResponse)Body, HttpJsonContext.Default.AcceptedResponse, context.HttpContext.RequestAborted);
        }
    }

    private static SendOutcomeHttpResult Problem(int status, string type, string title, string detail, SendOutcome.Rejected rejected) =>
        new(status, new ProblemDocument
        {
            Type = type,
            Title = title,
            Status = status,
            Detail = detail,
            Errors = rejected.Errors.Count == 0 ? null : rejected.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            UpstreamStatus = (int?)rejected.UpstreamStatus,
            SinchStatus = rejected.SinchStatus,
            TraceId = TraceId(),
        });

    private static string? TraceId() => Activity.Current?.TraceId.ToString();
}
