using ConversationSender.Contract;
using ConversationSender.Validation;

namespace ConversationSender.UnitTests.Validation;

/// <summary>
/// The validator's share of hostile input: every string field filled with 64 KiB of spaces, digits, nesting, a huge
/// number, lone surrogates or control characters is either accepted or refused with a bounded list of errors that never
/// quotes the value back. The triggers' share (status codes, dead letters) is in the integration tests.
/// </summary>
public sealed class HostileValueTests
{
    private const string Short = """ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hi" """;

    private static IEnumerable<string> BaseMessages =>
        MessageSamples.Messages
            .Select(m => $$"""{ "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "+46701234567" } ] } }, "message": {{m}} }""")
            .Prepend(HostileInputCases.EveryOption);

    [Fact]
    public void Every_hostile_field_value_is_accepted_or_refused_without_echo()
    {
        var cases = HostileInputCases.For(BaseMessages, 64 * 1024);
        Assert.True(cases.Count > 300, $"only {cases.Count} cases");

        foreach (var hostile in cases)
        {
            var result = OutboundMessageValidator.Validate(BinaryData.FromString(hostile.Json), out _);

            Assert.True(result.IsValid != result.Errors.Count > 0, $"{hostile}: valid {result.IsValid} with {result.Errors.Count} errors");
            Assert.InRange(result.Errors.Count, 0, FieldErrors.MaxListed + 1);
            Assert.All(result.Errors, e => Assert.True(e.Message.Length < 1024, $"{hostile}: {e.Message.Length}-character message at {e.Field}"));

            // Nesting past the parser's depth and text that is not Unicode are refused wherever they are put.
            if (hostile.Kind is "deep nesting" or "lone surrogates")
            {
                Assert.False(result.IsValid, $"{hostile} was accepted");
            }
        }
    }

    [Fact]
    public void A_ttl_of_a_quarter_megabyte_of_spaces_is_refused_as_a_bad_ttl()
    {
        var result = OutboundMessageValidator.Validate(BinaryData.FromString($$"""{ {{Short}}, "ttl": "1{{new string(' ', 250_000)}}x" }"""), out _);

        var error = Assert.Single(result.Errors);
        Assert.Equal("ttl", error.Field);
    }

    public static TheoryData<string, string> ErrorFloods()
    {
        var unknownFields = string.Join(", ", Enumerable.Range(0, 12_000).Select(i => $"\"f{i}\": 1"));
        var badChannels = string.Join(", ", Enumerable.Range(0, MessageContract.MaxChannels).Select(_ => "\"x\""));
        var identities = string.Join(", ", Enumerable.Range(0, MessageContract.MaxChannels).Select(_ => """{ "channel": "SMSS", "identity": "" }"""));
        var properties = string.Join(", ", Enumerable.Range(0, 5_000).Select(i => $"\"P{i}\": \"{new string('v', 1030)}\""));
        return new TheoryData<string, string>
        {
            { "12,000 unknown fields", $$"""{ {{Short}}, {{unknownFields}} }""" },
            { "an unknown channel in every place of the priority order", $$"""{ {{Short}}, "channel_priority_order": [{{badChannels}}] }""" },
            { "a bad channel and identity per identity", $$"""{ "recipient": { "identified_by": { "channel_identities": [{{identities}}] } }, "message": { "text_message": { "text": "hi" } } }""" },
            { "5,000 channel properties too long", $$"""{ {{Short}}, "channel_properties": { {{properties}} } }""" },
        };
    }

    [Theory]
    [MemberData(nameof(ErrorFloods))]
    public void A_flood_of_errors_is_kept_to_fifty_and_names_the_channels_once(string what, string json)
    {
        var result = OutboundMessageValidator.Validate(BinaryData.FromString(json), out _);

        Assert.InRange(result.Errors.Count, 2, FieldErrors.MaxListed + 1);
        Assert.True(result.Errors.Count(e => e.Message.Contains("WHATSAPP", StringComparison.Ordinal)) <= 1, $"{what}: the channel list is repeated");
        Assert.All(result.Errors, e => Assert.True(e.Field.Length <= 101, $"{what}: {e.Field.Length}-character field"));
    }

    [Fact]
    public void Errors_never_quote_identities_or_texts()
    {
        const string identity = "+46709999888";
        const string secret = "Your one-time code is 918273";
        var result = OutboundMessageValidator.Validate(BinaryData.FromString($$"""
            { "recipient": { "identified_by": { "channel_identities": [ { "channel": "FAX", "identity": "{{identity}}" } ] } },
              "message": { "text_message": { "text": "{{secret}}" }, "media_message": { "url": "{{secret}}" },
                           "contact_info_message": { "name": { "full_name": 5 }, "phone_numbers": [ { "phone_number": 46709999888 } ], "birthday": "{{identity}}" } } }
            """), out _);

        Assert.True(result.Errors.Count >= 4, string.Join("; ", result.Errors));
        Assert.All(result.Errors, e =>
        {
            Assert.DoesNotContain("9999888", e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("918273", e.ToString(), StringComparison.Ordinal);
        });
    }
}
