using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConversationSender.Sinch;

/// <summary>
/// The <c>message</c> of <c>messages:send</c>. Text is typed; every other kind (media, template,
/// choice, card, …) and the per-channel overrides travel as raw JSON so that nothing the caller
/// wrote is lost on the way to Sinch.
/// </summary>
public sealed class AppMessage
{
    public TextMessage? TextMessage { get; set; }

    [JsonExtensionData]
    public IDictionary<string, JsonElement>? OtherFields { get; set; }
}
