using ConversationSender.Tracking;

namespace ConversationSender.Functions;

/// <summary><c>GET /api/messages/{id}</c>: the latest status and history, by Sinch's message id or our tracking id.</summary>
public sealed class GetMessageStatusFunction(DeliveryStatusStore statuses)
{
    [Function("GetMessageStatus")]
    public async Task<IActionResult> RunAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "messages/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!statuses.Enabled)
        {
            return JsonApiResult.Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Statuses are not recorded here.", "Webhooks:RecordStatus is off or the send queue's storage is not configured.");
        }

        return await statuses.FindAsync(id, cancellationToken) is { } status
            ? new JsonApiResult(StatusCodes.Status200OK, status)
            : JsonApiResult.Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "No message with this id.", "Neither a Sinch message id nor a tracking id known here.");
    }
}
