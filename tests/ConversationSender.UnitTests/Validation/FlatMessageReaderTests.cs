using System.Text;
using System.Text.Json;
using ConversationSender.Contract;
using ConversationSender.Validation;

namespace ConversationSender.UnitTests.Validation;

/// <summary>The flat reader reads exactly what the serializer would, or declines and leaves the message to it.</summary>
public sealed class FlatMessageReaderTests
{
    private const string To = """ "to": { "channel": "SMS", "identity": "+46701234567" } """;

    public static TheoryData<string> Read => new()
    {
        $$"""{ {{To}}, "text": "Your code is 123456" }""",
        """{ "text": "first", "to": { "identity": "+46701234567", "channel": "WHATSAPP" } }""",
        $$"""{{{To}},"text":"escaped \"quotes\", \\ and \u00e9 and \ud83d\ude00","correlation_id":"order-42"}""",
        $$"""{ {{To}}, "text": "hi", "callback_url": "https://example.com/cb", "message_metadata": "m", "queue": "HIGH_PRIORITY", "processing_strategy": "DEFAULT", "conversation_metadata_update_strategy": "MERGE_PATCH", "message_content_type": "CONTENT_NOTIFICATION", "idempotency_key": "k-1", "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "send_at": "2026-12-01T09:00:00+01:00" }""",
        """{ "text": "no recipient" }""",
        """{ "to": { } }""",
        """{}""",
        "\t{ \"text\" : \"whitespace\" }\r\n",
    };

    public static TheoryData<string> Declined => new()
    {
        $$"""{ {{To}}, "text": "hi", "text": "twice" }""",
        """{ "to": { "channel": "SMS", "channel": "RCS", "identity": "+4670" }, "text": "hi" }""",
        $$"""{ {{To}}, "text": null }""",
        """{ "to": null, "text": "hi" }""",
        $$"""{ {{To}}, "text": 42 }""",
        """{ "to": { "channel": "SMS", "identity": 4670 }, "text": "hi" }""",
        $$"""{ {{To}}, "text": "hi", "app_id": "x" }""",
        """{ "to": { "channel": "SMS", "identity": "+4670", "extra": "x" }, "text": "hi" }""",
        $$"""{ {{To}}, "\u0074ext": "escaped name" }""",
        $$"""{ {{To}}, "Text": "other case" }""",
        $$"""{ {{To}}, "text": "hi", "ttl": 600 }""",
        """{ "recipient": { "contact_id": "c" }, "message": { "text_message": { "text": "hi" } } }""",
        $$"""{ {{To}}, "text": "hi", "channel_priority_order": ["SMS"] }""",
        $$"""{ {{To}}, "text": "hi" } trailing""",
        $$"""{ {{To}}, "text": "hi", }""",
        $$"""{ {{To}}, /* comment */ "text": "hi" }""",
        $$"""{ {{To}}, "text": "hi" """,
        """["not", "an", "object"]""",
        "\"a string\"",
    };

    [Theory]
    [MemberData(nameof(Read))]
    public void A_flat_message_is_read_as_the_serializer_reads_it(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.True(FlatMessageReader.TryRead(bytes, out var flat));
        var serialized = JsonSerializer.Deserialize(bytes, ContractJsonContext.Default.OutboundMessage);
        Assert.Equal(
            JsonSerializer.Serialize(serialized, ContractJsonContext.Default.OutboundMessage),
            JsonSerializer.Serialize(flat, ContractJsonContext.Default.OutboundMessage));
    }

    [Theory]
    [MemberData(nameof(Declined))]
    public void Anything_else_is_left_to_the_serializer(string json)
    {
        Assert.False(FlatMessageReader.TryRead(Encoding.UTF8.GetBytes(json), out var message));
        Assert.Null(message);
    }

    [Fact]
    public void A_string_that_is_not_valid_utf8_is_left_to_the_serializer()
    {
        byte[] json = [.. "{ \"text\": \"bad "u8, 0xFF, .. "\" }"u8];

        Assert.False(FlatMessageReader.TryRead(json, out _));
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(json, ContractJsonContext.Default.OutboundMessage));
    }

    [Fact]
    public void Every_string_field_of_the_contract_is_read_or_declined_never_dropped()
    {
        // A string field added to the contract but not to the reader must be declined (the serializer reads it), not lost.
        foreach (var property in ContractJsonContext.Default.OutboundMessage.Properties.Where(p => p.PropertyType == typeof(string)))
        {
            var json = Encoding.UTF8.GetBytes($$"""{ "{{property.Name}}": "value" }""");
            if (FlatMessageReader.TryRead(json, out var flat))
            {
                Assert.Equal("value", property.Get!(flat!));
            }
        }
    }
}
