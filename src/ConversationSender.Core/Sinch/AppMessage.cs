using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConversationSender.Sinch;

/// <summary>
/// The <c>message</c> of <c>messages:send</c>: one content kind plus optional overrides, each kept as the raw
/// JSON the caller wrote. The validator checks what Sinch requires; fields it does not know pass through
/// untouched, because Sinch adds fields to its kinds and we must not strip them.
/// </summary>
public sealed class AppMessage
{
    [JsonExtensionData]
    public IDictionary<string, JsonElement> Fields { get; set; } = new Dictionary<string, JsonElement>();

    public static AppMessage FromText(string text)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("text", text);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return new AppMessage { Fields = { ["text_message"] = document.RootElement.Clone() } };
    }
}
