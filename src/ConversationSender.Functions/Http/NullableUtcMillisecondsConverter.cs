using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConversationSender.Functions.Http;

/// <summary><see cref="UtcMillisecondsConverter"/> for an optional time (absent when null: the context skips nulls).</summary>
public sealed class NullableUtcMillisecondsConverter : JsonConverter<DateTimeOffset?>
{
    private static readonly UtcMillisecondsConverter Inner = new();

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : Inner.Read(ref reader, typeof(DateTimeOffset), options);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } time)
        {
            Inner.Write(writer, time, options);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
