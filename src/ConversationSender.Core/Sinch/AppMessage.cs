using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConversationSender.Sinch;

/// <summary>
/// The <c>message</c> of <c>messages:send</c>: one content kind plus optional overrides, each kept as the raw
/// JSON the caller wrote. The validator checks what Sinch requires; fields it does not know pass through
/// untouched, because Sinch adds fields to its kinds and we must not strip them.
/// </summary>
[JsonConverter(typeof(AppMessageJsonConverter))]
public sealed class AppMessage
{
    private static readonly IDictionary<string, JsonElement> NoFields = new System.Collections.ObjectModel.ReadOnlyDictionary<string, JsonElement>(new Dictionary<string, JsonElement>());

    public IDictionary<string, JsonElement> Fields { get; init; } = NoFields;

    /// <summary>The short form's text, written as <c>text_message</c> without building a JSON document for it.</summary>
    public string? ShortFormText { get; private init; }

    public static AppMessage FromText(string text) => new() { ShortFormText = text };
}
