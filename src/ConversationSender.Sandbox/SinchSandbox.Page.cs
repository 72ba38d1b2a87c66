using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ConversationSender.Sandbox;

// The page that shows what the recipient would see, its live feed, and the JSON view of the same captures.
public sealed partial class SinchSandbox
{
    // Enough of the list to see what a reconciler would find; the API pages through all of it.
    private const int ListedShown = 50;

    // Delivery reports come in bursts (queued, delivered; a batch of sends): one update for a burst, not one per report.
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(100);

    private void MapPageRoutes()
    {
        _app.MapGet("/health", () => Results.Text("ok"));
        _app.MapGet("/", (HttpContext context) => PageAssets.Serve(context, "index.html"));
        _app.MapGet("/messages/{id}", (HttpContext context, string id) => Find(id) is null ? Results.NotFound() : PageAssets.Serve(context, "detail.html"));
        _app.MapGet("/page/{name}", PageAssets.Serve);
        _app.MapGet("/api/page", () => Results.Json(Snapshot(), SandboxJsonContext.Default.PageSnapshot));
        _app.MapGet("/api/events", (HttpContext context) => TypedResults.ServerSentEvents(SnapshotsAsync(context.RequestAborted), eventType: "snapshot"));
        _app.MapPost("/clear", () =>
        {
            Clear();
            return Results.Redirect("/");
        });
        _app.MapGet("/api/captured", () => Results.Json(Captured, SandboxJsonContext.Default.IReadOnlyListCapturedMessage));
        _app.MapGet("/api/captured/{id}", (string id) => Find(id) is { } m ? Results.Json(m, SandboxJsonContext.Default.CapturedMessage) : Results.NotFound());
        _app.MapDelete("/api/captured", () =>
        {
            Clear();
            return Results.NoContent();
        });
    }

    private PageSnapshot Snapshot() => new(BaseUrl.ToString(), PendingFaults(), Captured, [.. _listed.Reverse().Take(ListedShown)], _consent.All);

    /// <summary>The whole page state now, then again after every change, until the browser leaves or the sandbox stops.</summary>
    private async IAsyncEnumerable<string> SnapshotsAsync([EnumeratorCancellation] CancellationToken requestAborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _app.Lifetime.ApplicationStopping);
        while (!stop.IsCancellationRequested)
        {
            var seen = _changes.Version;
            // Indented JSON is fine here: the event's data takes one "data:" line per line, the browser joins them.
            yield return JsonSerializer.Serialize(Snapshot(), SandboxJsonContext.Default.PageSnapshot);
            if (!await NextChangeAsync(seen, stop.Token))
            {
                yield break;
            }
        }
    }

    private async Task<bool> NextChangeAsync(long seen, CancellationToken cancellationToken)
    {
        try
        {
            await _changes.WaitAsync(seen, cancellationToken);
            await Task.Delay(Coalesce, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private CapturedMessage? Find(string id) => _captured.FirstOrDefault(m => m.Id == id);
}
