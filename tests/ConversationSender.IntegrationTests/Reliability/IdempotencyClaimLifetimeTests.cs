using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>
/// The life of a key's claim in table storage: held while its send is in flight, released when the send failed (still
/// bound to its message), taken over when abandoned, expired after the retention window.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class IdempotencyClaimLifetimeTests(AzuriteFixture azurite) : IdempotencyTest(azurite)
{
    [Fact]
    public async Task A_concurrent_repeat_while_the_first_is_in_flight_gets_409()
    {
        var key = Guid.NewGuid().ToString();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Sinch.Script(new FakeResponse(200) { HeldUntil = release.Task, Label = "accepted when released" });

        // The first send is held at Sinch until the test lets it go: the second arrives while it is surely in flight.
        var first = PostAsync(Message, key);
        await Eventually.UntilAsync(() => Sinch.SendRequests.Count, n => n == 1, "the first send to reach Sinch");
        var second = await PostAsync(Message, key);
        release.SetResult();

        Assert.Equal(409, second.Status);
        Assert.Equal("1", second.Header("Retry-After"));
        Assert.Equal(200, (await first).Status);
        Assert.Single(Sinch.SendRequests);
    }

    [Fact]
    public async Task A_key_whose_send_failed_is_released_so_a_retry_sends()
    {
        var key = Guid.NewGuid().ToString();
        Sinch.Script(FakeResponse.Unavailable(), FakeResponse.Unavailable(), FakeResponse.Unavailable()); // the first try and both in-call retries

        Assert.Equal(503, (await PostAsync(Message, key)).Status);
        var retry = await PostAsync(Message, key);

        Assert.Equal(200, retry.Status);
        Assert.Null(retry.Header("Idempotency-Replayed"));
    }

    [Fact]
    public async Task A_key_released_after_a_failed_send_stays_bound_to_its_message()
    {
        var key = Guid.NewGuid().ToString();
        Sinch.Script(FakeResponse.SinchError(500, "INTERNAL", "may or may not have taken it"));

        var first = await PostAsync(Message, key);
        var other = await PostAsync("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "something else" }""", key);
        var same = await PostAsync(Message, key);

        Assert.Equal(502, first.Status);
        Assert.Equal("urn:conversation-sender:problem:send-unconfirmed", first.Json.GetProperty("type").GetString());
        Assert.Equal(422, other.Status);
        Assert.Equal(200, same.Status);
        Assert.Equal(2, Sinch.SendRequests.Count);
    }

    [Fact]
    public async Task Keys_expire_after_the_retention_window()
    {
        var key = Guid.NewGuid().ToString();
        await PostAsync(Message, key);

        Clock.Advance(TimeSpan.FromHours(25));
        var later = await PostAsync(Message, key);

        Assert.Null(later.Header("Idempotency-Replayed"));
        Assert.Equal(2, Sinch.SendRequests.Count);
    }

    [Fact]
    public async Task A_claim_abandoned_by_a_crashed_sender_is_taken_over_after_the_in_flight_timeout()
    {
        var key = Guid.NewGuid().ToString();
        var store = Host.Get<ConversationSender.Idempotency.IdempotencyStore>();
        Assert.IsType<ConversationSender.Idempotency.IdempotencyClaim.Claimed>(await store.ClaimAsync(key, FingerprintOf(Message), CancellationToken.None));

        Assert.Equal(409, (await PostAsync(Message, key)).Status);
        Clock.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(200, (await PostAsync(Message, key)).Status);
        Assert.Single(Sinch.SendRequests);
    }
}
