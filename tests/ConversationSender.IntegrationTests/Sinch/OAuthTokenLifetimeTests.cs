using ConversationSender.Sending;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ConversationSender.IntegrationTests.Sinch;

public sealed class OAuthTokenLifetimeTests
{
    private const string Message = """{ "to": { "channel": "SMS", "identity": "+46700000002" }, "text": "hi" }""";

    [Fact]
    public async Task A_token_is_replaced_a_minute_before_it_expires_not_after()
    {
        await using var sinch = await SinchSandbox.StartAsync();
        sinch.TokenLifetimeSeconds = 3600;
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var host = SenderHost.Create(SenderHost.SettingsFor(sinch), s => s.AddSingleton<TimeProvider>(clock));
        var service = host.Get<SendService>();

        await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(3600 - 61));
        await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);
        Assert.Single(sinch.TokenRequests);

        clock.Advance(TimeSpan.FromSeconds(2)); // now 59 s before expiry: inside the 60 s margin
        await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);

        Assert.Equal(2, sinch.TokenRequests.Count);
        var sends = sinch.SendRequests;
        Assert.Equal(sends[0].Authorization, sends[1].Authorization);
        Assert.NotEqual(sends[1].Authorization, sends[2].Authorization);
    }

    [Fact]
    public async Task A_burst_at_expiry_fetches_one_new_token()
    {
        await using var sinch = await SinchSandbox.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var host = SenderHost.Create(SenderHost.SettingsFor(sinch), s => s.AddSingleton<TimeProvider>(clock));
        var service = host.Get<SendService>();
        await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);

        clock.Advance(TimeSpan.FromHours(1));
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => service.SendAsync(BinaryData.FromString(Message), CancellationToken.None)));

        Expect.All(outcomes, o => Assert.IsType<SendOutcome.Accepted>(o));
        Assert.Equal(2, sinch.TokenRequests.Count);
    }
}
