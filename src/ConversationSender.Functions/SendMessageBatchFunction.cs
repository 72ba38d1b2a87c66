using ConversationSender.Functions.Http;
using ConversationSender.Queueing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ConversationSender.Functions;

/// <summary>
/// <c>POST /api/messages/batch</c>: queues up to <see cref="SendQueueIntake.MaxBatchSize"/> messages, judged one by
/// one: valid ones are queued, invalid ones reported by index. 202 when any was queued, 400 when none was.
/// </summary>
public sealed class SendMessageBatchFunction(SendQueueIntake intake)
{
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    [Function("SendMessageBatch")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "messages/batch")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (items, batchError) = await intake.AcceptBatchAsync(body!, cancellationToken);
        if (items is null)
        {
            return JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidBatch, "The batch is invalid.", batchError!.ToString(), [batchError]);
        }

        var results = items.Select((item, index) => item switch
        {
            QueueIntakeResult.Queued queued => new BatchItemResponse(index, "queued", queued.TrackingId, null),
            QueueIntakeResult.Invalid invalid => new BatchItemResponse(index, "invalid", null, JsonApiResult.ErrorMap(invalid.Errors)),
            _ => throw new System.Diagnostics.UnreachableException(),
        }).ToList();
        var queuedCount = results.Count(r => r.Status == "queued");
        return new JsonApiResult(
            queuedCount > 0 ? StatusCodes.Status202Accepted : StatusCodes.Status400BadRequest,
            new BatchResponse(queuedCount, results.Count - queuedCount, results));
    }
}
