using ConversationSender.Validation;

namespace ConversationSender.UnitTests.Validation;

/// <summary>Rules of the validator that need no message around them: ttl strings and the bound on errors.</summary>
public sealed class ValidationRulesTests
{
    [Theory]
    [InlineData("600", 600L)]
    [InlineData("600s", 600L)]
    [InlineData(" 600 s ", 600L)]
    [InlineData("1 s", 1L)]
    [InlineData("600ss", null)]
    [InlineData("6 00", null)]
    [InlineData("-600", null)]
    [InlineData("1234567890123456", null)]
    [InlineData("", null)]
    public void Ttl_strings_are_parsed_without_a_regular_expression(string text, long? seconds) =>
        Assert.Equal(seconds, SendOptionsValidator.ParseTtlSeconds(text));

    [Fact]
    public void A_message_keeps_at_most_fifty_errors_and_counts_the_rest()
    {
        var errors = new FieldErrors();
        for (var i = 0; i < 1000; i++)
        {
            errors.Add(new FieldError(new string('f', 500) + i, "unknown field"));
        }

        var report = errors.ToReport();

        Assert.Equal(FieldErrors.MaxListed + 1, report.Count);
        Assert.Equal("950 more problems not listed; fix these first", report[^1].Message);
        Assert.All(report, e => Assert.True(e.Field.Length <= 101, e.Field));
    }

    [Fact]
    public void The_list_of_channels_is_spelled_out_once_then_pointed_to()
    {
        var errors = new FieldErrors();
        errors.Add(new FieldError("a", "unknown channel 'x'; expected " + ConversationChannels.Expected(errors)));
        errors.Add(new FieldError("b", "unknown channel 'y'; expected " + ConversationChannels.Expected(errors)));

        Assert.True(ConversationChannels.ListsChannels(errors[0]));
        Assert.False(ConversationChannels.ListsChannels(errors[1]));
        Assert.EndsWith("one of the channels listed above", errors[1].Message, StringComparison.Ordinal);
        Assert.Equal(errors[1].Message, ConversationChannels.WithoutListing(new FieldError("b", "unknown channel 'y'; expected " + ConversationChannels.Expected([]))).Message);
    }
}
