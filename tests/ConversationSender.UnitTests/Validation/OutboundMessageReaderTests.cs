using ConversationSender.Validation;

namespace ConversationSender.UnitTests.Validation;

/// <summary>Raw bytes to a message: one error that says where the JSON went wrong, never the value that was there.</summary>
public sealed class OutboundMessageReaderTests
{
    [Theory]
    [InlineData("", "the message is empty; expected a JSON object")]
    [InlineData(" \r\n\t ", "the message is empty; expected a JSON object")]
    [InlineData("null", "expected a JSON object, found null")]
    public void An_empty_or_null_body_says_so(string json, string message)
    {
        Assert.False(OutboundMessageReader.TryRead(BinaryData.FromString(json), out var read, out var error));
        Assert.Null(read);
        Assert.Equal(new FieldError("$", message), error);
    }

    [Fact]
    public void Broken_json_is_located_by_line_and_byte()
    {
        Assert.False(OutboundMessageReader.TryRead(BinaryData.FromString("{\n  \"text\": \"hi\",\n}"), out _, out var error));

        Assert.Equal("$", error!.Field);
        Assert.StartsWith("the message is not valid JSON (line 3, byte", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unpaired_surrogate_escape_is_refused_with_its_position()
    {
        Assert.False(OutboundMessageReader.TryRead(BinaryData.FromString("""{ "text": "a\ud800b" }"""), out _, out var error));

        Assert.Equal("$", error!.Field);
        Assert.Contains("unpaired UTF-16 surrogate escape", error.Message, StringComparison.Ordinal);
        Assert.Contains("(byte 11)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_paired_surrogate_escape_is_an_emoji()
    {
        Assert.True(OutboundMessageReader.TryRead(BinaryData.FromString("""{ "text": "\ud83d\ude00" }"""), out var message, out _));
        Assert.Equal("😀", message!.Text);
    }

    [Fact]
    public void A_byte_order_mark_is_skipped()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat("""{ "text": "hi" }"""u8.ToArray()).ToArray();

        Assert.True(OutboundMessageReader.TryRead(BinaryData.FromBytes(bytes), out var message, out var error), error?.ToString());
        Assert.Equal("hi", message!.Text);
    }

    [Theory]
    [InlineData("""{ "to": { "channel": "SMS", "identity": 46701234567 } }""", "to.identity", "has the wrong type")]
    [InlineData("""{ "to": { "channel": "SMS", "nickname": "secret-name" } }""", "to.nickname", "unknown field")]
    [InlineData("""{ "recipient": { "contact_id": "c1", "nickname": "secret-name" } }""", "recipient.nickname", "unknown field")]
    [InlineData("""{ "recipient": { "identified_by": { "channel_identities": [], "nickname": "x" } } }""", "recipient.identified_by.nickname", "unknown field")]
    [InlineData("""{ "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "nickname": "x" } ] } } }""", "recipient.identified_by.channel_identities[0].nickname", "unknown field")]
    [InlineData("""{ "text": ["Your code is 123456"] }""", "text", "has the wrong type")]
    public void A_type_or_name_error_names_the_field_not_the_value(string json, string field, string message)
    {
        Assert.False(OutboundMessageReader.TryRead(BinaryData.FromString(json), out _, out var error));

        Assert.Equal(new FieldError(field, message), error);
    }

    [Theory]
    [InlineData("$", "$")]
    [InlineData("", "$")]
    [InlineData(null, "$")]
    [InlineData("$.to.identity", "to.identity")]
    [InlineData("$.recipient.identified_by.channel_identities[0]", "recipient.identified_by.channel_identities[0]")]
    [InlineData("$['odd.name']", "['odd.name']")]
    public void Json_paths_are_written_as_callers_write_fields(string? jsonPath, string field) =>
        Assert.Equal(field, FieldPath.FromJsonPath(jsonPath));
}
