using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>
/// An idempotency key over HTTP: a repeat returns the first result without sending, a key reused for another message or
/// contradicting the message's own is refused, and without a key every request is sent.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class IdempotencyReplayTests(AzuriteFixture azurite) : IdempotencyTest(azurite)
{
    [Fact]
    public async Task A_repeat_with_the_same_key_returns_the_first_result_without_sending()
    {
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(Message, key);
        var second = await PostAsync(Message, key);

        Assert.Equal(200, first.Status);
        Assert.Equal(200, second.Status);
        Assert.Equal(first.Json.GetProperty("message_id").GetString(), second.Json.GetProperty("message_id").GetString());
        Assert.Equal("true", second.Header("Idempotency-Replayed"));
        Assert.Null(first.Header("Idempotency-Replayed"));
        Assert.Single(Sinch.SendRequests);
    }

    [Fact]
    public async Task A_key_reused_for_another_message_is_refused_with_422_and_nothing_is_sent()
    {
        var key = Guid.NewGuid().ToString();
        var first = await PostAsync("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "first" }""", key);

        var other = await PostAsync("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "a different text" }""", key);

        Assert.Equal(200, first.Status);
        Assert.Equal(422, other.Status);
        Assert.Equal("urn:conversation-sender:problem:idempotency-key-reused", other.Json.GetProperty("type").GetString());
        Assert.Contains("first used at", other.Json.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        var sent = Assert.Single(Sinch.SendRequests);
        Assert.Contains("\"first\"", sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_message_in_its_full_form_is_the_same_request_and_is_replayed()
    {
        var key = Guid.NewGuid().ToString();
        await PostAsync(Message, key);

        var full = await PostAsync("""{ "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "+46701234567" } ] } }, "message": { "text_message": { "text": "Your code is 123456" } } }""", key);

        Assert.Equal(200, full.Status);
        Assert.Equal("true", full.Header("Idempotent-Replayed"));
        Assert.Single(Sinch.SendRequests);
    }

    [Fact]
    public async Task The_key_may_also_travel_in_the_message()
    {
        var key = Guid.NewGuid().ToString();
        var withKey = Message.Replace("\"text\":", $"\"idempotency_key\": \"{key}\", \"text\":", StringComparison.Ordinal);

        await PostAsync(withKey);
        var again = await PostAsync(withKey, key);

        Assert.Equal("true", again.Header("Idempotency-Replayed"));
        Assert.Single(Sinch.SendRequests);
        Assert.DoesNotContain("idempotency_key", Sinch.SendRequests[0].Body);
    }

    [Fact]
    public async Task A_header_key_that_contradicts_the_message_key_is_refused()
    {
        var withKey = Message.Replace("\"text\":", "\"idempotency_key\": \"a\", \"text\":", StringComparison.Ordinal);

        var answer = await PostAsync(withKey, "b");

        Assert.Equal(400, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty("idempotency_key", out _));
        Assert.Empty(Sinch.Requests);
    }

    [Fact]
    public async Task A_2xx_without_a_message_id_counts_as_sent_and_is_never_sent_again()
    {
        var key = Guid.NewGuid().ToString();
        Sinch.Script(new FakeResponse(200, """{ "accepted_time": "2026-11-29T10:00:00Z" }""") { Label = "200 without message_id" });

        var first = await PostAsync(Message, key);
        var retry = await PostAsync(Message, key);

        Assert.Equal(200, first.Status);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, first.Json.GetProperty("message_id").ValueKind);
        Assert.Equal("true", retry.Header("Idempotency-Replayed"));
        Assert.Single(Sinch.SendRequests);
        Assert.Contains(Host.Logs.Lines, l => l.Contains("without a message_id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_key_header_is_refused()
    {
        var answer = await PostAsync(Message, new string('k', 201));

        Assert.Equal(400, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
    }

    [Fact]
    public async Task Without_a_key_every_http_request_is_sent()
    {
        await PostAsync(Message);
        await PostAsync(Message);

        Assert.Equal(2, Sinch.SendRequests.Count);
    }
}
