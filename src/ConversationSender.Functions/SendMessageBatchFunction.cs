using ConversationSender.Functions.Http;
using ConversationSender.Queueing;
using ConversationSender.Sending;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ConversationSender.Functions;

/// <summary>
/// <c>POST /api/messages/batch</c>: queues up to <see cref="SendQueueIntake.MaxBatchSize"/> messages, judged one by
/// one: valid ones are queued, invalid ones reported by index, ones storage could not take reported as not_queued.
/// 202 when any was queued; else 503 when some could not be queued now, 400 when all were invalid. With an
/// <c>Idempotency-Key</c>, item i is keyed <c>{key}:{i}</c>, so a retried batch queues nothing twice.
/// </summary>
public sealed class SendMessageBatchFunction(SendQueueIntake intake)
{
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    [Function("SendMessageBatch")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "messages/batch")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (body, key, problem) = await JsonRequestBody.ReadWithIdempotencyKeyAsync(request, MaxBodyBytes, ProblemTypes.InvalidBatch, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (items, batchError) = await intake.AcceptBatchAsync(body!, key, cancellationToken);
        if (items is null)
        {
            return JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidBatch, "The batch is invalid.", batchError!.ToString(), [batchError]);
        }

        var results = items.Select((item, index) => item switch
        {
            QueueIntakeResult.Queued queued => new BatchItemResponse(index, "queued", queued.TrackingId, null),
            QueueIntakeResult.Invalid invalid => new BatchItemResponse(index, "invalid", null, JsonApiResult.ErrorMap(invalid.Errors)),
            QueueIntakeResult.NotQueued notQueued => new BatchItemResponse(index, "not_queued", null, null) { Reason = notQueued.Reason },
            _ => throw new System.Diagnostics.UnreachableException(),
        }).ToList();
        var queuedCount = results.Count(r => r.Status == "queued");
        var notQueuedCount = results.Count(r => r.Status == "not_queued");
        var status = queuedCount > 0 ? StatusCodes.Status202Accepted : notQueuedCount > 0 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status400BadRequest;
        return new JsonApiResult(status, new BatchResponse(queuedCount, results.Count(r => r.Status == "invalid"), results) { NotQueued = notQueuedCount }, status == StatusCodes.Status503ServiceUnavailable ? SendOutcome.Transient.RetryShortly : null);
    }
}
