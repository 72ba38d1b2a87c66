using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConversationSender.Sinch;

/// <summary>
/// Reads a message object as raw fields (one parsed element, no per-field copies) and writes them back verbatim,
/// with the short form's text written directly.
/// </summary>
internal sealed class AppMessageJsonConverter : JsonConverter<AppMessage>
{
    public override AppMessage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The JSON value could not be converted to a message object.");
        }

        var element = JsonElement.ParseValue(ref reader);
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }

        return new AppMessage { Fields = fields };
    }

    public override void Write(Utf8JsonWriter writer, AppMessage value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (value.ShortFormText is { } text)
        {
            writer.WriteStartObject("text_message"u8);
            writer.WriteString("text"u8, text);
            writer.WriteEndObject();
        }

        foreach (var (name, field) in value.Fields)
        {
            writer.WritePropertyName(name);
            field.WriteTo(writer);
        }

        writer.WriteEndObject();
    }
}
