using ConversationSender.Idempotency;

namespace ConversationSender.Functions.Http;

/// <summary>
/// What cancelling found, as the HTTP answer: 200 cancelled (again: the same answer); 409 already sent (with Sinch's
/// message id) or being sent now; 503 storage unavailable; 404 unknown.
/// </summary>
public static class CancellationResult
{
    public static JsonApiResult From(string trackingId, Cancellation? found) => found switch
    {
        Cancellation.Cancelled c => new JsonApiResult(StatusCodes.Status200OK, new CancelResponse(trackingId, "cancelled", CancelledAt: c.At)),
        Cancellation.AlreadySent s => new JsonApiResult(StatusCodes.Status409Conflict, new CancelResponse(trackingId, "already_sent", MessageId: s.MessageId, AcceptedTime: s.AcceptedTime)),
        Cancellation.InProgress => new JsonApiResult(StatusCodes.Status409Conflict, new CancelResponse(trackingId, "sending"), RetryAdvice.InProgress),
        Cancellation.Unavailable u => JsonApiResult.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable, "The message could not be cancelled now; try again.", u.Reason, retryAfter: RetryAdvice.Shortly),
        _ => JsonApiResult.Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "No queued message with this tracking id.", "Nothing was queued under it here (or idempotency is off)."),
    };
}
