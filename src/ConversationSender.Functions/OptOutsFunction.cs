using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ConversationSender.Consent;
using ConversationSender.Credentials;
using ConversationSender.Functions.Http;
using ConversationSender.Sending;
using ConversationSender.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ConversationSender.Functions;

/// <summary>
/// The operator's opt-out API (master key only): <c>POST /api/optouts/lookup</c> (one identity with its history),
/// <c>POST /api/optouts</c> (add), <c>POST /api/optouts/remove</c> (needs a reason), <c>POST /api/optouts/import</c>.
/// Identities travel in bodies, never in URLs (which the host and proxies log).
/// </summary>
public sealed class OptOutsFunction(ConsentAdministration administration)
{
    public const int MaxBodyBytes = 1024 * 1024;

    [Function("OptOutLookup")]
    public Task<IActionResult> LookupAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "optouts/lookup")] HttpRequest request,
        CancellationToken cancellationToken) =>
        WithEntryAsync(request, reasonRequired: false, async (subject, _, _) =>
            await administration.LookupAsync(subject, cancellationToken) is { } record
                ? new JsonApiResult(StatusCodes.Status200OK, OptOutRecordResponse.From(record))
                : JsonApiResult.Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "The suppression list has no entry or history for this identity.", "It has never opted out or in here."), cancellationToken);

    [Function("OptOutAdd")]
    public Task<IActionResult> AddAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "optouts")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ChangeAsync(request, ConsentAction.OptOut, cancellationToken);

    [Function("OptOutRemove")]
    public Task<IActionResult> RemoveAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "optouts/remove")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ChangeAsync(request, ConsentAction.OptIn, cancellationToken);

    [Function("OptOutImport")]
    public async Task<IActionResult> ImportAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "optouts/import")] HttpRequest request,
        CancellationToken cancellationToken)
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
                ? JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "The import is invalid; nothing was imported.", $"{errors.Count} problems.", errors)
                : new JsonApiResult(StatusCodes.Status200OK, new OptOutImportResponse(result.Added, result.AlreadyOptedOut));
        });
    }

    private Task<IActionResult> ChangeAsync(HttpRequest request, ConsentAction action, CancellationToken cancellationToken) =>
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

    private async Task<IActionResult> WithEntryAsync(HttpRequest request, bool reasonRequired, Func<ConsentSubject, ConsentCategory, ConsentEntry, Task<JsonApiResult>> act, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadAsync(request, HttpJsonContext.Default.OptOutRequestBody, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var entry = new ConsentEntry(body!.Channel, body.Identity, body.ContactId, body.Category, body.Reason);
        var (subject, category, errors) = administration.Resolve(entry, reasonRequired);
        return errors.Count > 0
            ? JsonApiResult.Problem(StatusCodes.Status400BadRequest, ProblemTypes.InvalidMessage, "The request is invalid.", $"{errors.Count} problems.", errors)
            : await GuardedAsync(() => act(subject, category, entry));
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

    private static async Task<IActionResult> GuardedAsync(Func<Task<JsonApiResult>> act)
    {
        try
        {
            return await act();
        }
        catch (Exception ex) when (StorageFailure.Is(ex, CancellationToken.None) || ex is CredentialsMisconfiguredException)
        {
            return new JsonApiResult(StatusCodes.Status503ServiceUnavailable,
                new ProblemDocument { Type = ProblemTypes.Unavailable, Title = "The suppression list cannot be reached now; try again.", Status = 503 },
                SendOutcome.Transient.RetryShortly);
        }
    }
}
