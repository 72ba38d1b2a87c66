using ConversationSender.Queueing;

namespace ConversationSender.Functions;

/// <summary>
/// <c>DELETE /api/messages/{trackingId}</c>: cancels a queued (scheduled) message not yet sent; the answers:
/// <see cref="CancellationResult"/>.
/// </summary>
public sealed class CancelMessageFunction(SendQueueIntake intake)
{
    [Function("CancelMessage")]
    public async Task<IActionResult> RunAsync([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "messages/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        CancellationResult.From(id, await intake.CancelAsync(id, cancellationToken));
}
