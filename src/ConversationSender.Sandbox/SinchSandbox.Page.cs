

namespace ConversationSender.Sandbox;

// The page that shows what was "sent", and the JSON view of the same captures.
public sealed partial class SinchSandbox
{
    private void MapPageRoutes()
    {
        _app.MapGet("/health", () => Results.Text("ok"));
        _app.MapGet("/", () => Results.Content(SandboxPage.List(Captured, Listed, PendingFaults(), BaseUrl), "text/html; charset=utf-8"));
        _app.MapGet("/messages/{id}", (string id) => Find(id) is { } m ? Results.Content(SandboxPage.Detail(m), "text/html; charset=utf-8") : Results.NotFound());
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

    private CapturedMessage? Find(string id) => _captured.FirstOrDefault(m => m.Id == id);
}
