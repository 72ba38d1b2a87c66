using ConversationSender.Contract;
using ConversationSender.Validation;

namespace ConversationSender.UnitTests.Validation;

public sealed class OutboundMessageValidatorTests
{
    private const string Recipient = """ "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "+4670" } ] } } """;

    [Theory]
    [InlineData("600", "600s")]
    [InlineData("\"600s\"", "600s")]
    [InlineData("\"600\"", "600s")]
    [InlineData("3", "3s")]
    [InlineData("315576000000", "315576000000s")]
    public void Ttl_is_accepted_as_seconds_and_sent_in_sinchs_form(string ttl, string expected)
    {
        var result = Validate($$"""{ {{Recipient}}, "message": { "text_message": { "text": "hi" } }, "ttl": {{ttl}} }""");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(expected, result.Request!.Ttl);
    }

    [Theory]
    [InlineData("2", "between 3 and")]
    [InlineData("315576000001", "between 3 and")]
    [InlineData("-5", "between 3 and")]
    [InlineData("1.5", "whole seconds")]
    [InlineData("\"10m\"", "whole seconds")]
    [InlineData("true", "whole seconds")]
    public void Out_of_range_or_malformed_ttl_is_refused(string ttl, string message)
    {
        var result = Validate($$"""{ {{Recipient}}, "message": { "text_message": { "text": "hi" } }, "ttl": {{ttl}} }""");

        var error = Assert.Single(result.Errors);
        Assert.Equal("ttl", error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_message_needs_exactly_one_kind()
    {
        var none = Validate($$"""{ {{Recipient}}, "message": { "agent": { "display_name": "A", "type": "BOT" } } }""");
        var two = Validate($$"""{ {{Recipient}}, "message": { "text_message": { "text": "hi" }, "media_message": { "url": "https://x/y.png" } } }""");

        Assert.Contains(none.Errors, e => e.Field == "message" && e.Message.StartsWith("must contain one message kind", StringComparison.Ordinal));
        Assert.Contains(two.Errors, e => e.Field == "message" && e.Message.Contains("found text_message, media_message", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_message_keys_are_named()
    {
        var result = Validate($$"""{ {{Recipient}}, "message": { "text_message": { "text": "hi" }, "txt_message": { } } }""");

        Assert.Contains(result.Errors, e => e.Field == "message.txt_message" && e.Message.StartsWith("unknown message kind", StringComparison.Ordinal));
    }

    [Fact]
    public void A_recipient_is_a_contact_or_identities_not_both()
    {
        var both = Validate("""{ "recipient": { "contact_id": "c", "identified_by": { "channel_identities": [] } }, "message": { "text_message": { "text": "hi" } } }""");
        var empty = Validate("""{ "recipient": { "identified_by": { "channel_identities": [] } }, "message": { "text_message": { "text": "hi" } } }""");

        Assert.Contains(both.Errors, e => e.Field == "recipient" && e.Message.Contains("exactly one of contact_id or identified_by", StringComparison.Ordinal));
        Assert.Contains(empty.Errors, e => e.Field == "recipient.identified_by.channel_identities");
    }

    [Fact]
    public void Short_and_full_forms_cannot_be_mixed()
    {
        var result = Validate($$"""{ "to": { "channel": "SMS", "identity": "+4670" }, "text": "hi", {{Recipient}} }""");

        Assert.Contains(result.Errors, e => e.Field == "to" && e.Message.Contains("not both", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var result = Validate("""
            { "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS" }, { "channel": "PIGEON", "identity": "x" } ] } },
              "message": { "text_message": { "text": " " } },
              "queue": "NORMAL", "processing_strategy": "FAST", "correlation_id": "{{new string('c', 129)}}",
              "channel_priority_order": ["SMS", "TELEX"], "callback_url": "ftp://x", "conversation_metadata": [1] }
            """.Replace("{{new string('c', 129)}}", new string('c', 129), StringComparison.Ordinal));

        Assert.Equal(
            [
                "callback_url", "channel_priority_order[1]", "conversation_metadata", "correlation_id", "message.text_message.text", "processing_strategy", "queue",
                "recipient.identified_by.channel_identities[0].identity", "recipient.identified_by.channel_identities[1].channel",
            ],
            result.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Channels_are_matched_case_insensitively_and_sent_upper_case()
    {
        var result = Validate("""{ "to": { "channel": "whatsApp", "identity": "4670" }, "text": "hi", "channel_priority_order": ["whatsapp"] }""");

        Assert.True(result.IsValid);
        Assert.Equal("WHATSAPP", result.Request!.Recipient!.IdentifiedBy!.ChannelIdentities![0].Channel);
        Assert.Equal(["WHATSAPP"], result.Request.ChannelPriorityOrder!);
    }

    // Issue 29: Sinch's .NET SDK sends a priority order naming channels the recipient has no identity on; Sinch
    // refuses only channels not configured on the app, and a contact may be reachable on others.
    [Fact]
    public void A_priority_order_may_name_channels_the_recipient_has_no_identity_on()
    {
        var result = Validate("""
            { "recipient": { "identified_by": { "channel_identities": [ { "channel": "MMS", "identity": "+46701234567" } ] } },
              "message": { "text_message": { "text": "hello" } },
              "channel_priority_order": ["INSTAGRAM", "TELEGRAM"], "processing_strategy": "DISPATCH_ONLY" }
            """);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(["INSTAGRAM", "TELEGRAM"], result.Request!.ChannelPriorityOrder!);
    }

    [Fact]
    public void A_text_must_fit_the_channels_a_priority_order_adds()
    {
        var text = new string('a', 4097);
        var result = Validate($$"""{ "to": { "channel": "SMS", "identity": "+4670" }, "text": "{{text}}", "channel_priority_order": ["WHATSAPP", "SMS"] }""");

        var error = Assert.Single(result.Errors);
        Assert.Equal("text", error.Field);
        Assert.Equal("has 4097 characters; WHATSAPP allows at most 4096", error.Message);
    }

    [Fact]
    public void Short_form_fields_beside_the_sinch_options_are_allowed()
    {
        var result = Validate("""{ "to": { "channel": "SMS", "identity": "+4670" }, "text": "hi", "channel_properties": { "SMS_SENDER": "Shop" }, "queue": "HIGH_PRIORITY" }""");

        Assert.True(result.IsValid);
        Assert.Equal("Shop", result.Request!.ChannelProperties!["SMS_SENDER"]);
    }

    [Fact]
    public void The_short_forms_to_is_one_channel_identity_app_id_included()
    {
        var result = Validate("""{ "to": { "channel": "messenger", "identity": "7213461", "app_id": "01HAPP" }, "text": "hi" }""");

        Assert.True(result.IsValid);
        var identity = Assert.Single(result.Request!.Recipient!.IdentifiedBy!.ChannelIdentities!);
        Assert.Equal(("MESSENGER", "7213461", "01HAPP"), (identity.Channel, identity.Identity, identity.AppId));
    }

    private static MessageValidationResult Validate(string json)
    {
        Assert.True(OutboundMessageReader.TryRead(BinaryData.FromString(json), out OutboundMessage? message, out var error), error?.ToString());
        return OutboundMessageValidator.Validate(message!);
    }
}
