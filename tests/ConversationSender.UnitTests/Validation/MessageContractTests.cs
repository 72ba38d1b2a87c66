using ConversationSender.Contract;
using ConversationSender.Validation;

namespace ConversationSender.UnitTests.Validation;

/// <summary>The contract's lists agree with each other and with what the validator accepts.</summary>
public sealed class MessageContractTests
{
    [Fact]
    public void Every_channel_with_a_text_limit_is_a_known_channel()
    {
        Assert.All(MessageContract.TextLimitByChannel.Keys, channel => Assert.Contains(channel, MessageContract.Channels));
    }

    [Fact]
    public void Channels_are_unique_and_in_sinchs_upper_case()
    {
        Assert.Equal(MessageContract.Channels.Count, MessageContract.Channels.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(MessageContract.Channels, c => Assert.Equal(c.ToUpperInvariant(), c));
        Assert.All(MessageContract.Channels, c => Assert.Equal(c, ConversationChannels.Normalize(c.ToLowerInvariant())));
    }

    [Fact]
    public void An_omni_override_has_the_same_kinds_with_templates_referenced()
    {
        Assert.Equal(
            MessageContract.ContentKinds.Select(k => k == "template_message" ? "template_reference" : k),
            MessageContract.OmniContentKinds);
        Assert.Empty(MessageContract.OverrideKinds.Intersect(MessageContract.ContentKinds));
    }

    public static TheoryData<string, string> ClosedValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var (field, values) in new[]
                 {
                     ("queue", MessageContract.Queues), ("processing_strategy", MessageContract.ProcessingStrategies),
                     ("conversation_metadata_update_strategy", MessageContract.MetadataUpdateStrategies), ("message_content_type", MessageContract.ContentTypes),
                 })
        {
            foreach (var value in values)
            {
                data.Add(field, value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ClosedValues))]
    public void Every_listed_value_is_accepted_and_its_lower_case_is_not(string field, string value)
    {
        static MessageValidationResult With(string field, string value) => OutboundMessageValidator.Validate(
            BinaryData.FromString($$"""{ "to": { "channel": "SMS", "identity": "+4670" }, "text": "hi", "{{field}}": "{{value}}" }"""), out _);

        Assert.True(With(field, value).IsValid);
        Assert.Equal(field, Assert.Single(With(field, value.ToLowerInvariant()).Errors).Field);
    }

    [Fact]
    public void Card_heights_and_agent_types_are_the_lists_the_validator_enforces()
    {
        foreach (var height in MessageContract.CardHeights)
        {
            Assert.True(Validate($$"""{ "card_message": { "title": "t", "height": "{{height}}" } }""").IsValid, height);
        }

        foreach (var type in MessageContract.AgentTypes)
        {
            Assert.True(Validate($$"""{ "text_message": { "text": "t" }, "agent": { "display_name": "A", "type": "{{type}}" } }""").IsValid, type);
        }

        Assert.Equal("message.card_message.height", Assert.Single(Validate("""{ "card_message": { "height": "short" } }""").Errors).Field);
    }

    private static MessageValidationResult Validate(string message) => OutboundMessageValidator.Validate(
        BinaryData.FromString($$"""{ "recipient": { "contact_id": "c" }, "message": {{message}} }"""), out _);
}
