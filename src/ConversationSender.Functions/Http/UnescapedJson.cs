using System.Text.Encodings.Web;
using System.Text.Json;

namespace ConversationSender.Functions.Http;

/// <summary>
/// The answers' serializer: apostrophes and plus signs as they are, not <c>\u0027</c> and <c>\u002B</c>. Safe here:
/// the answers are JSON documents served as application/json, never embedded in HTML.
/// </summary>
internal static class UnescapedJson
{
    public static HttpJsonContext Context { get; } = new(new JsonSerializerOptions(HttpJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
