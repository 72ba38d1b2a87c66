using System.Reflection;

namespace ConversationSender.Sandbox;

/// <summary>
/// The page's HTML, CSS and script, embedded in the assembly (plain files in Page/, no build step), so the page works
/// wherever the sandbox runs: from <c>dotnet run</c>, or in-process in the test suite.
/// </summary>
internal static class PageAssets
{
    // Only the sandbox's own files run: no CDN, no inline script. Images may come from a message's media URLs, and
    // only when the user asks for them (the page shows a placeholder by default).
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: http: https:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly Dictionary<string, (string ContentType, string Text)> Files = Load();

    public static IResult Serve(HttpContext context, string name)
    {
        if (!Files.TryGetValue(name, out var file))
        {
            return Results.NotFound();
        }

        context.Response.Headers.ContentSecurityPolicy = Policy;
        context.Response.Headers.CacheControl = "no-cache";
        return Results.Text(file.Text, file.ContentType);
    }

    private static Dictionary<string, (string, string)> Load()
    {
        var assembly = typeof(PageAssets).Assembly;
        const string Prefix = "SandboxPage/";
        var files = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            var name = resource[Prefix.Length..];
            files[name] = (ContentTypeOf(name), reader.ReadToEnd());
        }

        return files;
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        _ => "application/octet-stream",
    };
}
