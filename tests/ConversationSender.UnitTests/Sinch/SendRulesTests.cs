using ConversationSender.Sending;
using ConversationSender.Sinch;
using Microsoft.Extensions.Options;

namespace ConversationSender.UnitTests.Sinch;

/// <summary>The pure parts of sending: how identities are masked in logs, and how the rate limiter's bucket is sized.</summary>
public sealed class SendRulesTests
{
    [Theory]
    [InlineData("+46701234567", "+4670*****67")]
    [InlineData("46701234567", "46701****67")]
    [InlineData("7123456789012345", "71234*********45")]
    [InlineData("12345678", "******78")]
    [InlineData("1234", "****")]
    [InlineData("", "")]
    public void Identities_are_masked(string identity, string masked) => Assert.Equal(masked, IdentityMask.Mask(identity));

    [Fact]
    public void The_rate_limiter_is_on_by_default_and_off_at_zero()
    {
        Assert.True(new SendRateLimiter(Options.Create(new SinchOptions())).IsEnabled);
        Assert.False(new SendRateLimiter(Options.Create(new SinchOptions { MaxSendsPerSecond = 0 })).IsEnabled);
    }

    [Theory]
    [InlineData(5.0, 5)]
    [InlineData(15.0, 15)]
    [InlineData(50.0, 50)]
    [InlineData(750.0, 750)]
    [InlineData(0.75, 1)]
    [InlineData(0.001, 1)]
    public void The_bucket_holds_one_seconds_worth_and_refills_at_exactly_the_rate(double perSecond, int burst)
    {
        var bucket = SendRateLimiter.BucketFor(perSecond);
        using var limiter = new SendRateLimiter(Options.Create(new SinchOptions { MaxSendsPerSecond = perSecond }));

        Assert.Equal(burst, bucket.TokenLimit);
        Assert.Equal(burst, limiter.AvailableTokens); // starts full: a cold instance may send one second's worth at once
        Assert.True(bucket.ReplenishmentPeriod >= TimeSpan.FromMilliseconds(99), $"refills every {bucket.ReplenishmentPeriod}");
        var rate = bucket.TokensPerPeriod / bucket.ReplenishmentPeriod.TotalSeconds;
        Assert.InRange(rate, perSecond * 0.9999, perSecond * 1.0001);
    }
}
