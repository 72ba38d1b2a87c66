using ConversationSender.Queueing;
using ConversationSender.Sending;

namespace ConversationSender.Functions;

/// <summary>
/// <c>POST /api/messages</c>: sends one message now and answers with Sinch's message id or a problem;
/// with <c>?mode=queue</c>, validates it, queues it and answers 202 with a tracking id.
/// </summary>
public sealed class SendMessageHttpFunction(SendService sendService, SendQueueIntake intake)
{
    /// <summary>Far above any real message (a queue message holds at most 48 KiB of JSON); stops memory abuse.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    [Function("SendMessage")]
    public async Task<IActionResult> RunAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "messages")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, key, problem) = await JsonRequestBody.ReadWithIdempotencyKeyAsync(request, MaxBodyBytes, ProblemTypes.InvalidMessage, cancellationToken);
        return problem ?? request.Query["mode"].ToString() switch
        {
            "" or "send" => SendOutcomeResult.From(await sendService.SendAsync(body!, key, fallbackKey: null, cancellationToken)),
            "queue" => QueueIntakeResults.From(await intake.AcceptAsync(body!, key, cancellationToken)),
            _ => JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "Unknown mode.", "mode must be 'send' (default) or 'queue'."),
        };
    }
}
