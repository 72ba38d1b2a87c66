using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConversationSender.Functions.Http;

/// <summary>A time as Sinch writes it: UTC, to the millisecond (<c>2026-11-29T12:00:00.123Z</c>), not .NET's seven digits.</summary>
public sealed class UtcMillisecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
