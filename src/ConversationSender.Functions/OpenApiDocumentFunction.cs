using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConversationSender.Functions;

/// <summary>
/// <c>GET /api/openapi.json</c>: the OpenAPI 3.1 document of this API (no key needed: it holds no data), the committed
/// document with the message contract's limits filled in.
/// </summary>
public sealed class OpenApiDocumentFunction
{
    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(OpenApiDocumentFunction).Assembly.GetManifestResourceStream("openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded in the Functions assembly.");
        var document = JsonNode.Parse(stream)!.AsObject();
        OpenApiContractLimits.Apply(document);
        return JsonSerializer.SerializeToUtf8Bytes(document, Indented);
    });

    // Relaxed: the prose holds "<n>s" and non-ASCII text that default escaping would turn into \u003C…; it is JSON, never HTML.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Function("OpenApiDocument")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "The worker calls functions on instances.")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        new StaticJsonResult(Document.Value);
}
