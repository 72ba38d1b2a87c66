using ConversationSender.Queueing;

namespace ConversationSender.Functions;

/// <summary>
/// <c>POST /api/dead-letters/replay</c> (master key only): moves dead letters back to the send queue once their
/// cause is fixed. Body: <c>{"source": "failed"|"poison", "message_ids": [...], "max": 100}</c>, all optional.
/// </summary>
public sealed class ReplayDeadLettersFunction(DeadLetterReplayer replayer)
{
    [Function("ReplayDeadLetters")]
    public async Task<IActionResult> RunAsync([HttpTrigger(AuthorizationLevel.Admin, "post", Route = "dead-letters/replay")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, 64 * 1024, cancellationToken);
        var (replay, invalid) = problem is null ? ReplayRequestBody.Read(body!) : (null, problem);
        if (replay is null)
        {
            return invalid!;
        }

        var result = await replayer.ReplayAsync(replay, cancellationToken);
        return new JsonApiResult(StatusCodes.Status200OK, new ReplayResponse(result.Replayed.Count, result.Scanned, result.Replayed));
    }
}
