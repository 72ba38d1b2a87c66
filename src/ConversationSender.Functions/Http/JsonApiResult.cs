using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ConversationSender.Queueing;
using ConversationSender.Sending;
using ConversationSender.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ConversationSender.Functions.Http;

/// <summary>An HTTP answer of this API: status, optional Retry-After and headers, and a source-generated JSON body.</summary>
public sealed class JsonApiResult(int statusCode, object body, TimeSpan? retryAfter = null) : IActionResult
{
    public int StatusCode { get; } = statusCode;

    public object Body { get; } = body;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public Dictionary<string, string> Headers { get; } = [];

    public static JsonApiResult From(SendOutcome outcome) => outcome switch
    {
        SendOutcome.Accepted { Replayed: true } a => new JsonApiResult(StatusCodes.Status200OK, new AcceptedResponse(a.MessageId, a.AcceptedTime))
        {
            // Stripe's header name, and the one this API used first.
            Headers = { ["Idempotent-Replayed"] = "true", ["Idempotency-Replayed"] = "true" },
        },
        SendOutcome.Accepted a => new(StatusCodes.Status200OK, new AcceptedResponse(a.MessageId, a.AcceptedTime)),
        SendOutcome.Rejected { UpstreamStatus: null } r => Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "The message is invalid.", r.Reason, r.Errors, r),
        SendOutcome.Rejected r => Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.RejectedBySinch, "Sinch rejected the message.", r.Reason, r.Errors, r),
        SendOutcome.Transient { UpstreamStatus: HttpStatusCode.TooManyRequests } t => new(
            StatusCodes.Status429TooManyRequests,
            new ProblemDocument { Type = ProblemTypes.RateLimited, Title = "Sinch is rate-limiting sends; try again later.", Status = 429, Detail = t.Reason, UpstreamStatus = 429, TraceId = TraceId() },
            t.SuggestedRetryAfter),
        SendOutcome.Transient t => new(
            StatusCodes.Status503ServiceUnavailable,
            new ProblemDocument { Type = ProblemTypes.Unavailable, Title = "The message could not be sent now; try again later.", Status = 503, Detail = t.Reason, UpstreamStatus = (int?)t.UpstreamStatus, TraceId = TraceId() },
            t.SuggestedRetryAfter),
        SendOutcome.InProgress p => new(
            StatusCodes.Status409Conflict,
            new ProblemDocument { Type = ProblemTypes.InProgress, Title = "A send with this idempotency key is in progress.", Status = 409, Detail = $"Started at {p.Since:O}; ask again to get its result.", TraceId = TraceId() },
            TimeSpan.FromSeconds(1)),
        SendOutcome.Unconfirmed u => new(
            StatusCodes.Status502BadGateway,
            new ProblemDocument
            {
                Type = ProblemTypes.SendUnconfirmed,
                Title = "Sinch may or may not have this message; it will not be resent blindly.",
                Status = 502,
                Detail = u.CheckAgainLater
                    ? $"{u.Reason} Retry with the same Idempotency-Key: the retry looks the message up in Sinch first and sends it only if Sinch does not have it."
                    : $"{u.Reason} A person must decide: check the recipient, then send it again with a new key, or drop it.",
                TraceId = TraceId(),
            },
            u.CheckAgainLater ? SendOutcome.Transient.RetryShortly : null),
        SendOutcome.Cancelled c => new(
            StatusCodes.Status409Conflict,
            new ProblemDocument { Type = ProblemTypes.Cancelled, Title = "The message under this idempotency key was cancelled.", Status = 409, Detail = $"It was cancelled at {c.At:O}, before it was sent; nothing was sent. Use a new key for a new message.", TraceId = TraceId() }),
        SendOutcome.KeyReused k => new(
            StatusCodes.Status422UnprocessableEntity,
            new ProblemDocument { Type = ProblemTypes.IdempotencyKeyReused, Title = "This idempotency key belongs to another message.", Status = 422, Detail = $"The key was first used at {k.FirstUsedAt:O} for a message with other content; nothing was sent. Use a new key for a new message.", TraceId = TraceId() }),
        SendOutcome.Suppressed s => new(
            StatusCodes.Status422UnprocessableEntity,
            new ProblemDocument
            {
                Type = ProblemTypes.RecipientOptedOut,
                Title = "The recipient opted out; nothing was sent.",
                Status = 422,
                Detail = $"Opted out of {Consent.ContentTypeCategories.Name(s.Category)} messages since {s.Since:O} (source: {Consent.ConsentNames.Source(s.Source)}). Nothing is sent until they opt in again (START), or an operator removes the entry.",
                TraceId = TraceId(),
            }),
        SendOutcome.Misconfigured m => new(
            StatusCodes.Status502BadGateway,
            new ProblemDocument { Type = ProblemTypes.Misconfigured, Title = "The sender is misconfigured; an operator must fix a setting.", Status = 502, Detail = m.Reason, Setting = m.SettingName, TraceId = TraceId() }),
        _ => throw new UnreachableException($"Unknown outcome {outcome.GetType().Name}."),
    };

    public static JsonApiResult Problem(int status, string type, string title, string? detail, IReadOnlyList<FieldError>? errors = null, SendOutcome.Rejected? rejected = null) =>
        new(status, new ProblemDocument
        {
            Type = type,
            Title = title,
            Status = status,
            Detail = detail,
            Errors = ErrorMap(errors),
            UpstreamStatus = (int?)rejected?.UpstreamStatus,
            SinchStatus = rejected?.SinchStatus,
            TraceId = TraceId(),
        });

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

        response.ContentType = Body is ProblemDocument ? "application/problem+json" : "application/json";
        await JsonSerializer.SerializeAsync(response.Body, Body, HttpJsonContext.Default.GetTypeInfo(Body.GetType())!, context.HttpContext.RequestAborted);
    }

    private static string? TraceId() => Activity.Current?.TraceId.ToString();
}
