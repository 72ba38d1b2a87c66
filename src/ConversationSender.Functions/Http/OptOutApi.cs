using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ConversationSender.Consent;
using ConversationSender.Credentials;
using ConversationSender.Storage;

namespace ConversationSender.Functions.Http;

/// <summary>
/// The opt-out API's requests and answers: reads the body, asks <see cref="ConsentAdministration"/>, maps what it
/// found to HTTP (400 invalid, 404 unknown, 502 switched off, 503 storage unreachable).
/// </summary>
public sealed class OptOutApi(ConsentAdministration administration)
{
    public const int MaxBodyBytes = 1024 * 1024;

    public Task<IActionResult> LookupAsync(HttpRequest request, CancellationToken cancellationToken) =>
        WithEntryAsync(request, reasonRequired: false, async (subject, _, _) =>
            await administration.LookupAsync(subject, cancellationToken) is { } record
                ? new JsonApiResult(StatusCodes.Status200OK, OptOutRecordResponse.From(record))
                : JsonApiResult.Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "The suppression list has no entry or history for this identity.", "It has never opted out or in here."), cancellationToken);

    public Task<IActionResult> ChangeAsync(HttpRequest request, ConsentAction action, CancellationToken cancellationToken) =>
        WithEntryAsync(request, reasonRequired: action == ConsentAction.OptIn, async (subject, category, entry) =>
        {
            var result = await administration.ChangeAsync(subject, action, category, entry.Channel?.ToUpperInvariant(), entry.Reason, cancellationToken);
            var name = (action, result.Changed) switch
            {
                (ConsentAction.OptOut, true) => "opted_out",
                (ConsentAction.OptOut, false) => "already_opted_out",
                (_, true) => "opted_in",
                _ => "was_not_opted_out",
            };
            return new JsonApiResult(StatusCodes.Status200OK, new OptOutChangeResponse(name, ContentTypeCategories.Name(category)));
        }, cancellationToken);

    public async Task<IActionResult> ImportAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadAsync(request, HttpJsonContext.Default.OptOutImportBody, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var entries = body!.Entries?.Select(e => new ConsentEntry(e.Channel, e.Identity, e.ContactId, e.Category, null)).ToList() ?? [];
        return await GuardedAsync(async () =>
        {
            var (result, errors) = await administration.ImportAsync(entries, body.Reason, cancellationToken);
            return result is null
                ? Invalid("The import is invalid; nothing was imported.", errors)
                : new JsonApiResult(StatusCodes.Status200OK, new OptOutImportResponse(result.Added, result.AlreadyOptedOut));
        });
    }

    private async Task<IActionResult> WithEntryAsync(HttpRequest request, bool reasonRequired, Func<ConsentSubject, ConsentCategory, ConsentEntry, Task<JsonApiResult>> act, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadAsync(request, HttpJsonContext.Default.OptOutRequestBody, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var entry = new ConsentEntry(body!.Channel, body.Identity, body.ContactId, body.Category, body.Reason);
        var (subject, category, errors) = administration.Resolve(entry, reasonRequired);
        return errors.Count > 0 ? Invalid("The request is invalid.", errors) : await GuardedAsync(() => act(subject, category, entry));
    }

    private async Task<(T? Body, JsonApiResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        if (!administration.Enabled)
        {
            return (null, new JsonApiResult(StatusCodes.Status502BadGateway, new ProblemDocument
            {
                Type = ProblemTypes.Misconfigured,
                Title = "The suppression list is switched off or has no storage account.",
                Status = 502,
                Detail = "Set Consent:Enabled to true and SendQueueStorage to the storage account.",
                Setting = "Consent:Enabled",
            }));
        }

        var (raw, problem) = await JsonRequestBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        try
        {
            return JsonSerializer.Deserialize(raw!.ToMemory().Span, type) is { } body
                ? (body, null)
                : (null, JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "The request is invalid.", "The body must be a JSON object."));
        }
        catch (JsonException ex)
        {
            return (null, JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "The request is invalid.", $"{ex.Path}: wrong type, unknown field or bad JSON."));
        }
    }

    private static JsonApiResult Invalid(string title, List<Validation.FieldError> errors) =>
        JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, title, $"{errors.Count} problems.", errors);

    private static async Task<IActionResult> GuardedAsync(Func<Task<JsonApiResult>> act)
    {
        try
        {
            return await act();
        }
        catch (Exception ex) when (StorageFailure.Is(ex, CancellationToken.None) || ex is CredentialsMisconfiguredException)
        {
            return JsonApiResult.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable, "The suppression list cannot be reached now; try again.", null, retryAfter: RetryAdvice.Shortly);
        }
    }
}
