using System.Text.Json;
using ConversationSender.Functions.Http;
using ConversationSender.Queueing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ConversationSender.Functions;

/// <summary>
/// <c>POST /api/dead-letters/replay</c> (master key only): moves dead letters back to the send queue once their
/// cause is fixed. Body: <c>{"source": "failed"|"poison", "message_ids": [...], "max": 100}</c>, all optional.
/// </summary>
public sealed class ReplayDeadLettersFunction(DeadLetterReplayer replayer)
{
    [Function("ReplayDeadLetters")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "dead-letters/replay")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync(request, 64 * 1024, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        ReplayRequestBody? options;
        try
        {
            options = body!.ToMemory().IsEmpty ? new ReplayRequestBody() : JsonSerializer.Deserialize(body.ToMemory().Span, HttpJsonContext.Default.ReplayRequestBody);
        }
        catch (JsonException ex)
        {
            return JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "The replay request is invalid.", $"{ex.Path}: wrong type, unknown field or bad JSON.");
        }

        if (options?.Source is not (null or "failed" or "poison"))
        {
            return JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "The replay request is invalid.", "source must be 'failed' or 'poison'.");
        }

        var result = await replayer.ReplayAsync(
            new ReplayRequest(options?.Source == "poison", options?.MessageIds?.ToHashSet(StringComparer.Ordinal), options?.Max ?? 100),
            cancellationToken);
        return new JsonApiResult(StatusCodes.Status200OK, new ReplayResponse(result.Replayed.Count, result.Scanned, result.Replayed));
    }
}
