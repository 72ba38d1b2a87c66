using ConversationSender.Functions.Http;
using ConversationSender.Idempotency;
using ConversationSender.Queueing;
using ConversationSender.Sending;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ConversationSender.Functions;

/// <summary>
/// <c>DELETE /api/messages/{trackingId}</c>: cancels a queued (scheduled) message not yet sent. 200 cancelled (again:
/// the same answer); 409 already sent (with Sinch's message id) or being sent now; 404 unknown.
/// </summary>
public sealed class CancelMessageFunction(SendQueueIntake intake)
{
    [Function("CancelMessage")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "messages/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        Cancellation? found;
        try
        {
            found = await intake.CancelAsync(id, cancellationToken);
        }
        catch (IdempotencyStoreUnavailableException ex)
        {
            return new JsonApiResult(StatusCodes.Status503ServiceUnavailable,
                new ProblemDocument { Type = ProblemTypes.Unavailable, Title = "The message could not be cancelled now; try again.", Status = 503, Detail = ex.Message },
                SendOutcome.Transient.RetryShortly);
        }

        return found switch
        {
            Cancellation.Cancelled c => new JsonApiResult(StatusCodes.Status200OK, new CancelResponse(id, "cancelled", CancelledAt: c.At)),
            Cancellation.AlreadySent s => new JsonApiResult(StatusCodes.Status409Conflict, new CancelResponse(id, "already_sent", MessageId: s.MessageId, AcceptedTime: s.AcceptedTime)),
            Cancellation.InProgress => new JsonApiResult(StatusCodes.Status409Conflict, new CancelResponse(id, "sending"), TimeSpan.FromSeconds(1)),
            _ => JsonApiResult.Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "No queued message with this tracking id.", "Nothing was queued under it here (or idempotency is off)."),
        };
    }
}
