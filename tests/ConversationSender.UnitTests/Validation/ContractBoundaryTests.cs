using ConversationSender.Contract;
using ConversationSender.Validation;

namespace ConversationSender.UnitTests.Validation;

/// <summary>
/// Each limit of <see cref="MessageContract"/> is what the validator enforces: a message exactly at the limit is
/// accepted, one past it is refused under the field's path (with the limit named in the error).
/// </summary>
public sealed class ContractBoundaryTests
{
    private const string To = """ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hi" """;

    public static TheoryData<string, string, string, string> Limits()
    {
        static string Repeat(string item, int count) => string.Join(",", Enumerable.Repeat(item, count));
        static string Text(int length) => $"\"{new string('a', length)}\"";
        var choice = """{ "text_message": { "text": "x" } }""";
        var identity = """{ "channel": "SMS", "identity": "+4670" }""";
        return new TheoryData<string, string, string, string>
        {
            { "message_metadata", $"{To}, \"message_metadata\": {Text(MessageContract.MessageMetadataMaxLength)}", $"{To}, \"message_metadata\": {Text(MessageContract.MessageMetadataMaxLength + 1)}", $"{MessageContract.MessageMetadataMaxLength}" },
            { "correlation_id", $"{To}, \"correlation_id\": {Text(MessageContract.CorrelationIdMaxLength)}", $"{To}, \"correlation_id\": {Text(MessageContract.CorrelationIdMaxLength + 1)}", $"{MessageContract.CorrelationIdMaxLength}" },
            { "channel_properties.SMS_SENDER", $"{To}, \"channel_properties\": {{ \"SMS_SENDER\": {Text(MessageContract.ChannelPropertyMaxLength)} }}", $"{To}, \"channel_properties\": {{ \"SMS_SENDER\": {Text(MessageContract.ChannelPropertyMaxLength + 1)} }}", $"{MessageContract.ChannelPropertyMaxLength}" },
            { "idempotency_key", $"{To}, \"idempotency_key\": {Text(MessageContract.IdempotencyKeyMaxLength)}", $"{To}, \"idempotency_key\": {Text(MessageContract.IdempotencyKeyMaxLength + 1)}", $"{MessageContract.IdempotencyKeyMaxLength}" },
            { "ttl", $"{To}, \"ttl\": {MessageContract.TtlMinSeconds}", $"{To}, \"ttl\": {MessageContract.TtlMinSeconds - 1}", $"{MessageContract.TtlMinSeconds}" },
            { "ttl", $"{To}, \"ttl\": {MessageContract.TtlMaxSeconds}", $"{To}, \"ttl\": {MessageContract.TtlMaxSeconds + 1}", $"{MessageContract.TtlMaxSeconds}" },
            { "channel_priority_order", $"{To}, \"channel_priority_order\": [{Repeat("\"SMS\"", MessageContract.MaxChannels)}]", $"{To}, \"channel_priority_order\": [{Repeat("\"SMS\"", MessageContract.MaxChannels + 1)}]", $"{MessageContract.MaxChannels}" },
            { "recipient.identified_by.channel_identities", $"\"recipient\": {{ \"identified_by\": {{ \"channel_identities\": [{Repeat(identity, MessageContract.MaxChannels)}] }} }}, \"message\": {{ \"text_message\": {{ \"text\": \"hi\" }} }}", $"\"recipient\": {{ \"identified_by\": {{ \"channel_identities\": [{Repeat(identity, MessageContract.MaxChannels + 1)}] }} }}, \"message\": {{ \"text_message\": {{ \"text\": \"hi\" }} }}", $"{MessageContract.MaxChannels}" },
            { "text", $"\"to\": {{ \"channel\": \"WHATSAPP\", \"identity\": \"4670\" }}, \"text\": {Text(MessageContract.TextLimitByChannel["WHATSAPP"])}", $"\"to\": {{ \"channel\": \"WHATSAPP\", \"identity\": \"4670\" }}, \"text\": {Text(MessageContract.TextLimitByChannel["WHATSAPP"] + 1)}", $"{MessageContract.TextLimitByChannel["WHATSAPP"]}" },
            { "message.choice_message.choices", $"\"recipient\": {{ \"contact_id\": \"c\" }}, \"message\": {{ \"choice_message\": {{ \"choices\": [{Repeat(choice, MessageContract.ChoicesMax)}] }} }}", $"\"recipient\": {{ \"contact_id\": \"c\" }}, \"message\": {{ \"choice_message\": {{ \"choices\": [{Repeat(choice, MessageContract.ChoicesMax + 1)}] }} }}", $"{MessageContract.ChoicesMax}" },
            { "message.carousel_message.cards", $"\"recipient\": {{ \"contact_id\": \"c\" }}, \"message\": {{ \"carousel_message\": {{ \"cards\": [{Repeat("{ \"title\": \"c\" }", MessageContract.CarouselCardsMax)}] }} }}", $"\"recipient\": {{ \"contact_id\": \"c\" }}, \"message\": {{ \"carousel_message\": {{ \"cards\": [{Repeat("{ \"title\": \"c\" }", MessageContract.CarouselCardsMax + 1)}] }} }}", $"{MessageContract.CarouselCardsMax}" },
            { "message.carousel_message.choices", $"\"recipient\": {{ \"contact_id\": \"c\" }}, \"message\": {{ \"carousel_message\": {{ \"cards\": [{{ \"title\": \"c\" }}], \"choices\": [{Repeat(choice, MessageContract.CarouselChoicesMax)}] }} }}", $"\"recipient\": {{ \"contact_id\": \"c\" }}, \"message\": {{ \"carousel_message\": {{ \"cards\": [{{ \"title\": \"c\" }}], \"choices\": [{Repeat(choice, MessageContract.CarouselChoicesMax + 1)}] }} }}", $"{MessageContract.CarouselChoicesMax}" },
            { "message.location_message.coordinates.latitude", $"\"recipient\": {{ \"contact_id\": \"c\" }}, \"message\": {{ \"location_message\": {{ \"title\": \"t\", \"coordinates\": {{ \"latitude\": {MessageContract.LatitudeMax}, \"longitude\": 0 }} }} }}", $"\"recipient\": {{ \"contact_id\": \"c\" }}, \"message\": {{ \"location_message\": {{ \"title\": \"t\", \"coordinates\": {{ \"latitude\": {MessageContract.LatitudeMax + 1}, \"longitude\": 0 }} }} }}", $"{MessageContract.LatitudeMax}" },
        };
    }

    [Theory]
    [MemberData(nameof(Limits))]
    public void At_the_limit_is_accepted_and_past_it_is_refused_naming_the_limit(string field, string atLimit, string pastLimit, string limit)
    {
        var accepted = OutboundMessageValidator.Validate(BinaryData.FromString("{" + atLimit + "}"), out _);
        var refused = OutboundMessageValidator.Validate(BinaryData.FromString("{" + pastLimit + "}"), out _);

        Assert.True(accepted.IsValid, string.Join("; ", accepted.Errors));
        var error = Assert.Single(refused.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(limit, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conversation_metadata_is_measured_as_json()
    {
        var padding = MessageContract.ConversationMetadataMaxLength - """{"k":""}""".Length;
        var at = OutboundMessageValidator.Validate(BinaryData.FromString($$"""{ {{To}}, "conversation_metadata": {"k":"{{new string('c', padding)}}"} }"""), out _);
        var past = OutboundMessageValidator.Validate(BinaryData.FromString($$"""{ {{To}}, "conversation_metadata": {"k":"{{new string('c', padding + 1)}}"} }"""), out _);

        Assert.True(at.IsValid, string.Join("; ", at.Errors));
        Assert.Equal("conversation_metadata", Assert.Single(past.Errors).Field);
    }

    [Fact]
    public void Send_at_may_be_at_most_the_window_ahead()
    {
        var now = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

        Assert.Null(ScheduledTime.TooFarAhead(now + MessageContract.SendAtMaxAhead, now));
        var error = ScheduledTime.TooFarAhead(now + MessageContract.SendAtMaxAhead + TimeSpan.FromSeconds(1), now);
        Assert.Equal("send_at", error!.Field);
        Assert.Equal("may be at most 7 days ahead (until 2026-03-08T09:00:00.0000000+00:00)", error.Message);
    }

    [Fact]
    public void A_key_given_twice_must_be_the_same_key()
    {
        Assert.Null(OutboundMessageValidator.KeyConflict("k1", "k1"));
        Assert.Null(OutboundMessageValidator.KeyConflict(null, "k1"));
        Assert.Null(OutboundMessageValidator.KeyConflict("k1", null));
        Assert.Equal("idempotency_key", OutboundMessageValidator.KeyConflict("k1", "k2")!.Field);
    }
}
