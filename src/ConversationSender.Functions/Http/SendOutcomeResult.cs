using System.Diagnostics;
using System.Net;
using ConversationSender.Consent;
using ConversationSender.Sending;

namespace ConversationSender.Functions.Http;

/// <summary>Every <see cref="SendOutcome"/> as the HTTP answer of a send.</summary>
public static class SendOutcomeResult
{
    private const string UnconfirmedTitle = "Sinch may or may not have this message; it will not be resent blindly.";

    public static JsonApiResult From(SendOutcome outcome) => outcome switch
    {
        SendOutcome.Accepted { Replayed: true } a => new JsonApiResult(StatusCodes.Status200OK, new AcceptedResponse(a.MessageId, a.AcceptedTime))
        {
            // Stripe's header name, and the one this API used first.
            Headers = { ["Idempotent-Replayed"] = "true", ["Idempotency-Replayed"] = "true" },
        },
        SendOutcome.Accepted a => new JsonApiResult(StatusCodes.Status200OK, new AcceptedResponse(a.MessageId, a.AcceptedTime)),
        SendOutcome.Rejected { UpstreamStatus: null } r => JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "The message is invalid.", r.Reason, r.Errors, r),
        SendOutcome.Rejected r => JsonApiResult.Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.RejectedBySinch, "Sinch rejected the message.", r.Reason, r.Errors, r),
        SendOutcome.Transient { UpstreamStatus: HttpStatusCode.TooManyRequests } t => new JsonApiResult(
            StatusCodes.Status429TooManyRequests,
            new ProblemDocument { Type = ProblemTypes.RateLimited, Title = "Sinch is rate-limiting sends; try again later.", Status = 429, Detail = t.Reason, UpstreamStatus = 429 },
            t.SuggestedRetryAfter),
        SendOutcome.Transient t => new JsonApiResult(
            StatusCodes.Status503ServiceUnavailable,
            new ProblemDocument { Type = ProblemTypes.Unavailable, Title = "The message could not be sent now; try again later.", Status = 503, Detail = t.Reason, UpstreamStatus = (int?)t.UpstreamStatus },
            t.SuggestedRetryAfter),
        SendOutcome.InProgress p => JsonApiResult.Problem(StatusCodes.Status409Conflict, ProblemTypes.InProgress, "A send with this idempotency key is in progress.", $"Started at {p.Since:O}; ask again to get its result.", retryAfter: RetryAdvice.InProgress),
        SendOutcome.Unconfirmed { CheckAgainLater: true } u => JsonApiResult.Problem(StatusCodes.Status502BadGateway, ProblemTypes.SendUnconfirmed, UnconfirmedTitle,
            $"{u.Reason} Retry with the same Idempotency-Key: the retry looks the message up in Sinch first and sends it only if Sinch does not have it.", retryAfter: RetryAdvice.Shortly),
        SendOutcome.Unconfirmed u => JsonApiResult.Problem(StatusCodes.Status502BadGateway, ProblemTypes.SendUnconfirmed, UnconfirmedTitle,
            $"{u.Reason} A person must decide: check the recipient, then send it again with a new key, or drop it."),
        SendOutcome.Cancelled c => JsonApiResult.Problem(StatusCodes.Status409Conflict, ProblemTypes.Cancelled, "The message under this idempotency key was cancelled.",
            $"It was cancelled at {c.At:O}, before it was sent; nothing was sent. Use a new key for a new message."),
        SendOutcome.KeyReused k => JsonApiResult.Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused, "This idempotency key belongs to another message.",
            $"The key was first used at {k.FirstUsedAt:O} for a message with other content; nothing was sent. Use a new key for a new message."),
        SendOutcome.Suppressed s => JsonApiResult.Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.RecipientOptedOut, "The recipient opted out; nothing was sent.",
            $"Opted out of {ContentTypeCategories.Name(s.Category)} messages since {s.Since:O} (source: {ConsentNames.Source(s.Source)}). Nothing is sent until they opt in again (START), or an operator removes the entry."),
        SendOutcome.Misconfigured m => new JsonApiResult(
            StatusCodes.Status502BadGateway,
            new ProblemDocument { Type = ProblemTypes.Misconfigured, Title = "The sender is misconfigured; an operator must fix a setting.", Status = 502, Detail = m.Reason, Setting = m.SettingName }),
        _ => throw new UnreachableException($"Unknown outcome {outcome.GetType().Name}."),
    };
}
