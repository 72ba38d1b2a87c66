using ConversationSender.Validation;

namespace ConversationSender.Functions.Http;

/// <summary>The <c>Idempotency-Key</c> header of the send and batch routes, read and checked in one place.</summary>
public static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    /// <returns>The key (null when absent), or a 400 problem of <paramref name="problemType"/> naming what is wrong with it.</returns>
    public static (string? Key, JsonApiResult? Problem) Read(HttpRequest request, string problemType)
    {
        string? key = request.Headers[Name];
        var errors = new FieldErrors();
        OutboundMessageValidator.ValidateIdempotencyKey(key, errors, Name);
        return errors.Count > 0
            ? (null, JsonApiResult.Problem(StatusCodes.Status400BadRequest, problemType, "The Idempotency-Key header is invalid.", null, errors))
            : (key, null);
    }
}
