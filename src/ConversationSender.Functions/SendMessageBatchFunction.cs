using ConversationSender.Queueing;

namespace ConversationSender.Functions;

/// <summary>
/// <c>POST /api/messages/batch</c>: queues up to <see cref="SendQueueIntake.MaxBatchSize"/> messages, judged one by
/// one (<see cref="QueueIntakeResults.FromBatch"/>). With an <c>Idempotency-Key</c>, item i is keyed
/// <c>{key}:{i}</c>, so a retried batch queues nothing twice.
/// </summary>
public sealed class SendMessageBatchFunction(SendQueueIntake intake)
{
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    [Function("SendMessageBatch")]
    public async Task<IActionResult> RunAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "messages/batch")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, key, problem) = await JsonRequestBody.ReadWithIdempotencyKeyAsync(request, MaxBodyBytes, ProblemTypes.InvalidBatch, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (items, batchError) = await intake.AcceptBatchAsync(body!, key, cancellationToken);
        return QueueIntakeResults.FromBatch(items, batchError);
    }
}
