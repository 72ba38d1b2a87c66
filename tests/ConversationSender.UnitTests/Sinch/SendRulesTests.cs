using ConversationSender.Sending;

namespace ConversationSender.UnitTests.Sinch;

/// <summary>The pure parts of sending: how identities are masked in logs.</summary>
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
}
