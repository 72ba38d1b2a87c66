using ConversationSender.Consent;

namespace ConversationSender.Functions;

/// <summary>
/// The operator's opt-out API (master key only), answered by <see cref="OptOutApi"/>. Identities travel in bodies,
/// never in URLs (which the host and proxies log).
/// </summary>
public sealed class OptOutsFunction(ConsentAdministration administration)
{
    private readonly OptOutApi _api = new(administration);

    /// <summary><c>POST /api/optouts/lookup</c>: one identity with its history.</summary>
    [Function("OptOutLookup")]
    public Task<IActionResult> LookupAsync([HttpTrigger(AuthorizationLevel.Admin, "post", Route = "optouts/lookup")] HttpRequest request, CancellationToken cancellationToken) =>
        _api.LookupAsync(request, cancellationToken);

    [Function("OptOutAdd")]
    public Task<IActionResult> AddAsync([HttpTrigger(AuthorizationLevel.Admin, "post", Route = "optouts")] HttpRequest request, CancellationToken cancellationToken) =>
        _api.ChangeAsync(request, ConsentAction.OptOut, cancellationToken);

    /// <summary><c>POST /api/optouts/remove</c>: needs a reason.</summary>
    [Function("OptOutRemove")]
    public Task<IActionResult> RemoveAsync([HttpTrigger(AuthorizationLevel.Admin, "post", Route = "optouts/remove")] HttpRequest request, CancellationToken cancellationToken) =>
        _api.ChangeAsync(request, ConsentAction.OptIn, cancellationToken);

    [Function("OptOutImport")]
    public Task<IActionResult> ImportAsync([HttpTrigger(AuthorizationLevel.Admin, "post", Route = "optouts/import")] HttpRequest request, CancellationToken cancellationToken) =>
        _api.ImportAsync(request, cancellationToken);
}
