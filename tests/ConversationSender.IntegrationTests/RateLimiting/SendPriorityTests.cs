using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.RateLimiting;
using ConversationSender.Sandbox;
using ConversationSender.Sending;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ConversationSender.IntegrationTests.RateLimiting;

/// <summary>
/// The priority a send waits with is decided where the send starts (<see cref="SendOrigin"/>) and reaches the rate
/// budget, several calls down, as a parameter: a caller's send overtakes a queued one that has waited longer.
/// </summary>
public sealed class SendPriorityTests : IAsyncLifetime
{
    private SinchSandbox _sinch = null!;

    public async Task InitializeAsync() => _sinch = await SinchSandbox.StartAsync();

    public async Task DisposeAsync() => await _sinch.DisposeAsync();

    [Fact]
    public async Task A_callers_send_goes_before_a_queued_send_that_waited_longer_and_a_consent_reply_waits_as_a_caller()
    {
        // One send a second (budget 1/s, one instance, one group) on a clock that moves only when told to.
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var settings = new Dictionary<string, string?>(SenderHost.SettingsFor(_sinch))
        {
            ["Sinch:RequestsPerSecondBudget"] = "1",
            ["Sinch:RateBudgetMaxInstances"] = "1",
            ["Sinch:RateBudgetSendingGroups"] = "1",
            ["Consent:Enabled"] = "false",
        };
        await using var host = SenderHost.Create(settings, s => s.AddSingleton<TimeProvider>(clock));
        var service = host.Get<SendService>();
        var budget = host.Get<SendBudget>();

        // The bucket starts with one token: this send takes it.
        Assert.IsType<SendOutcome.Accepted>(await service.SendAsync(Message("first"), CancellationToken.None));

        var queued = service.SendAsync(Message("queued"), idempotencyKey: null, fallbackKey: null, CancellationToken.None, SendOrigin.Queue);
        await Eventually.UntilAsync(() => budget.Waiting, n => n == 1, "the queued send to wait for the budget");
        var reply = service.SendAsync(Message("consent reply"), idempotencyKey: null, fallbackKey: null, CancellationToken.None, SendOrigin.ConsentReply);
        await Eventually.UntilAsync(() => budget.Waiting, n => n == 2, "the consent reply to wait for the budget");
        var caller = service.SendAsync(Message("caller"), CancellationToken.None);
        await Eventually.UntilAsync(() => budget.Waiting, n => n == 3, "the caller's send to wait for the budget");

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.IsType<SendOutcome.Accepted>(await reply);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.IsType<SendOutcome.Accepted>(await caller);
        Assert.False(queued.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.IsType<SendOutcome.Accepted>(await queued);

        Assert.Equal(["first", "consent reply", "caller", "queued"], _sinch.SendRequests.Select(Text));
    }

    private static BinaryData Message(string text) =>
        BinaryData.FromString($$"""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "{{text}}" }""");

    private static string Text(RecordedRequest request) =>
        System.Text.Json.JsonDocument.Parse(request.Body).RootElement.GetProperty("message").GetProperty("text_message").GetProperty("text").GetString()!;
}
