using ConversationSender.Contract;
using ConversationSender.Validation;

namespace ConversationSender.UnitTests.Validation;

/// <summary><c>send_at</c>: only a time with an explicit offset is read, and a queued send is at most the window ahead.</summary>
public sealed class ScheduledTimeTests
{
    [Theory]
    [InlineData("2026-12-01T09:00:00Z", "2026-12-01T09:00:00+00:00")]
    [InlineData("2026-12-01T09:00:00z", "2026-12-01T09:00:00+00:00")]
    [InlineData("2026-12-01T09:00:00+01:00", "2026-12-01T08:00:00+00:00")]
    [InlineData("2026-12-01T09:00:00-05:30", "2026-12-01T14:30:00+00:00")]
    [InlineData("2026-12-01T09:00:00.125Z", "2026-12-01T09:00:00.125+00:00")]
    [InlineData("2026-12-01t09:00:00Z", "2026-12-01T09:00:00+00:00")]
    public void A_time_with_an_offset_is_read_as_that_instant(string text, string utc)
    {
        Assert.True(ScheduledTime.TryParse(text, out var at));
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), at);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2026-12-01T09:00:00")]
    [InlineData("2026-12-01 09:00:00Z")]
    [InlineData("2026-12-01")]
    [InlineData("2026-12-01T09:00:00+0100")]
    [InlineData("2026-13-01T09:00:00Z")]
    [InlineData("tomorrow at nine, Z")]
    [InlineData("2026-12-01T09:00:00.1234567890123456789012Z")]
    public void A_time_without_an_offset_or_not_a_time_is_refused(string? text) =>
        Assert.False(ScheduledTime.TryParse(text, out _));

    [Fact]
    public void The_validator_names_the_expected_form_for_a_bad_send_at()
    {
        var result = OutboundMessageValidator.Validate(BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+4670" }, "text": "hi", "send_at": "2026-12-01T09:00:00" }"""), out _);

        var error = Assert.Single(result.Errors);
        Assert.Equal("send_at", error.Field);
        Assert.StartsWith("must be an RFC 3339 time with an offset", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_send_at_in_the_past_or_now_is_not_too_far_ahead()
    {
        var now = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

        Assert.Null(ScheduledTime.TooFarAhead(now - TimeSpan.FromDays(30), now));
        Assert.Null(ScheduledTime.TooFarAhead(now, now));
        Assert.NotNull(ScheduledTime.TooFarAhead(now + TimeSpan.FromDays(8), now));
    }

    [Fact]
    public void The_queue_window_is_the_contracts_seven_days()
    {
        Assert.Equal(TimeSpan.FromDays(7), ScheduledTime.MaxAhead);
        Assert.Equal(MessageContract.SendAtMaxAhead, ScheduledTime.MaxAhead);
    }
}
