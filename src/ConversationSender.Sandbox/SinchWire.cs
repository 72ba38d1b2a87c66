using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConversationSender.Sandbox;

/// <summary>
/// JSON as Sinch writes it: characters such as <c>+</c> and <c>&lt;</c> as themselves (not <c>\u002B</c>), and
/// timestamps in UTC ending in <c>Z</c>. Callbacks are signed over these exact bytes.
/// </summary>
public static class SinchWire
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Json(JsonNode node) => node.ToJsonString(Options);

    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Writes <paramref name="node"/> as the body, with the status already set unless one is given.</summary>
    public static async Task WriteAsync(HttpContext context, JsonNode node, int? status = null)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = status ?? context.Response.StatusCode;
            context.Response.ContentType = "application/json; charset=utf-8";
        }

        await context.Response.WriteAsync(Json(node), context.RequestAborted);
    }
}
