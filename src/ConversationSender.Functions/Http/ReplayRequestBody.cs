using System.Text.Json;
using ConversationSender.Queueing;

namespace ConversationSender.Functions.Http;

/// <summary>The body of <c>POST /api/dead-letters/replay</c>; every field optional.</summary>
public sealed class ReplayRequestBody
{
    /// <summary><c>failed</c> (default: our dead-letter queue) or <c>poison</c> (the host's).</summary>
    public string? Source { get; set; }

    public IList<string>? MessageIds { get; set; }

    public int? Max { get; set; }

    /// <summary>The replay an (empty or JSON) body asks for, or the problem with it.</summary>
    public static (ReplayRequest? Request, JsonApiResult? Problem) Read(BinaryData body)
    {
        ReplayRequestBody? options;
        try
        {
            options = body.ToMemory().IsEmpty ? new ReplayRequestBody() : JsonSerializer.Deserialize(body.ToMemory().Span, HttpJsonContext.Default.ReplayRequestBody);
        }
        catch (JsonException ex)
        {
            return (null, JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "The replay request is invalid.", $"{ex.Path}: wrong type, unknown field or bad JSON."));
        }

        return options?.Source is not (null or "failed" or "poison")
            ? (null, JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "The replay request is invalid.", "source must be 'failed' or 'poison'."))
            : (new ReplayRequest(options?.Source == "poison", options?.MessageIds?.ToHashSet(StringComparer.Ordinal), options?.Max ?? 100), null);
    }
}
