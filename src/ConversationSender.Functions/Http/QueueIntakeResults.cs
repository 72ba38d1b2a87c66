using System.Diagnostics;
using ConversationSender.Queueing;
using ConversationSender.Validation;

namespace ConversationSender.Functions.Http;

/// <summary>What queueing one message or a batch found, as the HTTP answer.</summary>
public static class QueueIntakeResults
{
    public static JsonApiResult From(QueueIntakeResult result) => result switch
    {
        QueueIntakeResult.Queued queued => new JsonApiResult(StatusCodes.Status202Accepted, new QueuedResponse(queued.TrackingId)),
        QueueIntakeResult.Invalid invalid => JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "The message is invalid.", "The message is invalid.", invalid.Errors),
        QueueIntakeResult.NotQueued notQueued => JsonApiResult.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable, "The message could not be queued now; try again later.", notQueued.Reason, retryAfter: RetryAdvice.Shortly),
        _ => throw new UnreachableException(),
    };

    /// <summary>202 when any item was queued; else 503 when some could not be queued now, 400 when all were invalid.</summary>
    public static JsonApiResult FromBatch(IReadOnlyList<QueueIntakeResult>? items, FieldError? batchError)
    {
        if (items is null)
        {
            return JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidBatch, "The batch is invalid.", batchError!.ToString(), [batchError]);
        }

        var results = items.Select((item, index) => item switch
        {
            QueueIntakeResult.Queued queued => new BatchItemResponse(index, "queued", queued.TrackingId, null),
            QueueIntakeResult.Invalid invalid => new BatchItemResponse(index, "invalid", null, JsonApiResult.ErrorMap(invalid.Errors)),
            QueueIntakeResult.NotQueued notQueued => new BatchItemResponse(index, "not_queued", null, null) { Reason = notQueued.Reason },
            _ => throw new UnreachableException(),
        }).ToList();
        var queuedCount = results.Count(r => r.Status == "queued");
        var notQueuedCount = results.Count(r => r.Status == "not_queued");
        var status = queuedCount > 0 ? StatusCodes.Status202Accepted : notQueuedCount > 0 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status400BadRequest;
        return new JsonApiResult(
            status,
            new BatchResponse(queuedCount, results.Count(r => r.Status == "invalid"), results) { NotQueued = notQueuedCount },
            status == StatusCodes.Status503ServiceUnavailable ? RetryAdvice.Shortly : null);
    }
}
