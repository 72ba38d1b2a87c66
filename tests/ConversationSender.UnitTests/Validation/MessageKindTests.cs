using System.Text.Json;
using ConversationSender.Sinch;
using ConversationSender.Validation;

namespace ConversationSender.UnitTests.Validation;

/// <summary>The <c>message</c> object: each kind's own rules, and that what is accepted reaches Sinch unchanged.</summary>
public sealed class MessageKindTests
{
    public static TheoryData<string> Samples() => [.. MessageSamples.Messages];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_kind_is_accepted_and_passed_on_verbatim(string message)
    {
        var result = Validate(message);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var sent = JsonSerializer.SerializeToElement(result.Request!.Message!, SinchJsonContext.Default.AppMessage);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(message).RootElement, sent), $"sent {sent}");
    }

    [Fact]
    public void Fields_the_validator_does_not_know_inside_a_kind_reach_sinch()
    {
        var result = Validate("""{ "media_message": { "url": "https://example.com/a.png", "new_sinch_field": { "x": 1 } } }""");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Contains("new_sinch_field", JsonSerializer.Serialize(result.Request!.Message!, SinchJsonContext.Default.AppMessage), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2000, true)]
    [InlineData(2001, false)]
    public void Emoji_count_as_one_character_against_a_channel_limit(int emoji, bool accepted)
    {
        // 2,000 emoji are 4,000 UTF-16 units: over RCS's 2,000 by length, within it by characters as people count them.
        var text = string.Concat(Enumerable.Repeat("😀", emoji));
        var result = Validate($$"""{ "text_message": { "text": "{{text}}" } }""", "RCS");

        Assert.Equal(accepted, result.IsValid);
        if (!accepted)
        {
            Assert.Equal("has 2001 characters; RCS allows at most 2000", Assert.Single(result.Errors).Message);
        }
    }

    [Fact]
    public void A_text_over_several_channels_limits_names_each()
    {
        var text = new string('a', 4097);
        var result = Validate($$"""{ "text_message": { "text": "{{text}}" } }""", "WHATSAPP", "RCS", "SMS");

        Assert.Equal(
            ["has 4097 characters; WHATSAPP allows at most 4096", "has 4097 characters; RCS allows at most 2000"],
            result.Errors.Select(e => e.Message));
    }

    [Fact]
    public void A_choice_messages_own_text_is_held_to_the_channel_limit()
    {
        var result = Validate($$"""{ "choice_message": { "text_message": { "text": "{{new string('a', 1001)}}" }, "choices": [ { "text_message": { "text": "ok" } } ] } }""", "VIBERBM");

        Assert.Equal("message.choice_message.text_message.text", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void A_channel_template_needs_no_version_but_an_omni_template_does()
    {
        var byChannel = Validate("""{ "template_message": { "channel_template": { "WHATSAPP": { "template_id": "t" } } } }""");
        var omni = Validate("""{ "template_message": { "omni_template": { "template_id": "t" } } }""");

        Assert.True(byChannel.IsValid, string.Join("; ", byChannel.Errors));
        Assert.Equal("message.template_message.omni_template.version", Assert.Single(omni.Errors).Field);
    }

    [Fact]
    public void A_template_in_an_omni_override_is_a_reference_not_a_template_message()
    {
        var wrapped = Validate("""{ "text_message": { "text": "hi" }, "explicit_channel_omni_message": { "WHATSAPP": { "template_message": { "omni_template": { "template_id": "t", "version": "1" } } } } }""");

        var error = Assert.Single(wrapped.Errors, e => e.Field == "message.explicit_channel_omni_message.WHATSAPP.template_message");
        Assert.StartsWith("unknown message kind; expected one of text_message, media_message, template_reference,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_omni_override_needs_exactly_one_kind_per_channel()
    {
        var result = Validate("""{ "text_message": { "text": "hi" }, "explicit_channel_omni_message": { "SMS": { "text_message": { "text": "a" }, "media_message": { "url": "https://x/y.png" } } } }""");

        var error = Assert.Single(result.Errors);
        Assert.Equal("message.explicit_channel_omni_message.SMS", error.Field);
        Assert.Equal("must contain exactly one message kind, found text_message, media_message", error.Message);
    }

    [Fact]
    public void Channel_keys_of_overrides_must_be_known_channels_in_sinchs_spelling()
    {
        var result = Validate("""{ "text_message": { "text": "hi" }, "channel_specific_message": { "whatsapp": { "message_type": "FLOWS", "message": {} } } }""");

        var error = Assert.Single(result.Errors);
        Assert.Equal("message.channel_specific_message.whatsapp", error.Field);
        Assert.StartsWith("unknown channel; expected one of WHATSAPP", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "calendar_message": { "title": "c", "event_title": "e", "event_start": "2026-12-01T09:00:00+01:00", "event_end": "2026-12-01T10:00:00Z" } }""", null)]
    [InlineData("""{ "calendar_message": { "title": "c", "event_title": "e", "event_start": "2026-12-01T09:00:00Z" } }""", "message.choice_message.choices[0].calendar_message.event_end")]
    [InlineData("""{ "text_message": { "text": "a" }, "url_message": { "title": "t", "url": "https://x" } }""", "message.choice_message.choices[0]")]
    [InlineData("""{ "url_message": { "title": "t", "url": "mailto:a@b.c" } }""", "message.choice_message.choices[0].url_message.url")]
    public void Each_choice_is_one_kind_with_its_own_required_fields(string choice, string? errorAt)
    {
        var result = Validate($$"""{ "choice_message": { "choices": [ {{choice}} ] } }""");

        Assert.Equal(errorAt, result.Errors.SingleOrDefault()?.Field);
    }

    [Theory]
    [InlineData("-90", "-180", true)]
    [InlineData("90", "180", true)]
    [InlineData("-90.0001", "0", false)]
    [InlineData("0", "180.0001", false)]
    public void Coordinates_are_within_the_globe(string latitude, string longitude, bool accepted)
    {
        var result = Validate($$"""{ "location_message": { "title": "t", "coordinates": { "latitude": {{latitude}}, "longitude": {{longitude}} } } }""");

        Assert.Equal(accepted, result.IsValid);
    }

    [Theory]
    [InlineData("2000-02-29", true)]
    [InlineData("2001-02-29", false)]
    [InlineData("2000-2-9", false)]
    public void A_birthday_is_a_real_date_written_in_full(string birthday, bool accepted)
    {
        var result = Validate($$"""{ "contact_info_message": { "name": { "full_name": "A" }, "phone_numbers": [ { "phone_number": "1" } ], "birthday": "{{birthday}}" } }""");

        Assert.Equal(accepted, result.IsValid);
    }

    [Fact]
    public void An_agent_alone_is_not_a_message()
    {
        var result = Validate("""{ "agent": { "display_name": "A", "type": "HUMAN" } }""");

        var error = Assert.Single(result.Errors);
        Assert.Equal("message", error.Field);
        Assert.StartsWith("must contain one message kind: text_message, media_message", error.Message, StringComparison.Ordinal);
    }

    private static MessageValidationResult Validate(string message, params string[] channels)
    {
        var identities = string.Join(", ", (channels.Length == 0 ? ["SMS"] : channels).Select(c => $$"""{ "channel": "{{c}}", "identity": "+46701234567" }"""));
        return OutboundMessageValidator.Validate(BinaryData.FromString($$"""{ "recipient": { "identified_by": { "channel_identities": [ {{identities}} ] } }, "message": {{message}} }"""), out _);
    }
}
