using System.Text;
using Azure.Storage.Queues;
using ConversationSender.Functions;
using ConversationSender.Sending;
using ConversationSender.Storage;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>Idempotency keys claimed in real table storage (Azurite): a repeat never reaches Sinch twice.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class IdempotencyTests(AzuriteFixture azurite) : SandboxedSenderTest(azurite, "idem-")
{
    private const string Message = """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

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
    public async Task On_the_queue_a_reused_key_is_dead_lettered_as_key_reused()
    {
        var key = Guid.NewGuid().ToString();
        var producer = Host.Get<StorageClientFactory>().CreateQueue(QueueName);
        await producer.CreateIfNotExistsAsync();
        await producer.SendMessageAsync($$"""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "first", "idempotency_key": "{{key}}" }""");
        await producer.SendMessageAsync($$"""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "second", "idempotency_key": "{{key}}" }""");
        var function = Host.CreateFunction<SendMessageQueueFunction>();
        var raw = new QueueClient(Azurite.ConnectionString, QueueName);

        foreach (var message in (await raw.ReceiveMessagesAsync(2)).Value.OrderBy(m => m.InsertedOn).ThenBy(m => Convert.FromBase64String(m.Body.ToString()).Length))
        {
            await function.RunAsync(HostQueueMessages.Decode(message), CancellationToken.None);
        }

        var sent = Assert.Single(Sinch.SendRequests);
        var letter = (await new QueueClient(Azurite.ConnectionString, QueueName + "-failed").ReceiveMessageAsync()).Value;
        var entry = System.Text.Json.Nodes.JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(letter.Body.ToString())))!;
        Assert.Equal("key_reused", entry["outcome"]!.GetValue<string>());
        Assert.NotEqual(sent.Body.Contains("\"first\"", StringComparison.Ordinal), entry["original_message"]!.GetValue<string>().Contains("\"first\"", StringComparison.Ordinal));
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

        _clock.Advance(TimeSpan.FromHours(25));
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
        _clock.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(200, (await PostAsync(Message, key)).Status);
        Assert.Single(Sinch.SendRequests);
    }

    [Fact]
    public async Task A_queue_message_redelivered_after_it_was_sent_is_not_sent_again()
    {
        var (_, message) = await ProduceAndReceiveAsync();
        var function = Host.CreateFunction<SendMessageQueueFunction>();

        // The host crashed after the send and before deleting the message: it comes back with DequeueCount 2.
        await function.RunAsync(HostQueueMessages.WithDequeueCount(message, 1), CancellationToken.None);
        await function.RunAsync(HostQueueMessages.WithDequeueCount(message, 2, "new-receipt"), CancellationToken.None);

        Assert.Single(Sinch.SendRequests);
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
    public async Task A_queue_message_answered_2xx_without_an_id_is_done_not_retried()
    {
        var (_, message) = await ProduceAndReceiveAsync();
        var function = Host.CreateFunction<SendMessageQueueFunction>();
        Sinch.Script(new FakeResponse(200, "{}") { Label = "200 without message_id" });

        await function.RunAsync(HostQueueMessages.WithDequeueCount(message, 1), CancellationToken.None);
        await function.RunAsync(HostQueueMessages.WithDequeueCount(message, 2, "new-receipt"), CancellationToken.None);

        Assert.Single(Sinch.SendRequests);
    }

    [Fact]
    public async Task A_queue_message_answered_2xx_with_a_body_that_is_not_json_is_done_not_retried()
    {
        // A gateway in front of Sinch may rewrite the body; the 2xx still says Sinch took it.
        var (_, message) = await ProduceAndReceiveAsync();
        var function = Host.CreateFunction<SendMessageQueueFunction>();
        Sinch.Script(new FakeResponse(200, "<html>OK</html>", "text/html") { Label = "200 with an HTML body" });

        await function.RunAsync(HostQueueMessages.WithDequeueCount(message, 1), CancellationToken.None);
        await function.RunAsync(HostQueueMessages.WithDequeueCount(message, 2, "new-receipt"), CancellationToken.None);

        Assert.Single(Sinch.SendRequests);
        Assert.Contains(Host.Logs.Lines, l => l.Contains("without a message_id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_idempotency_table_outage_sends_nothing_and_answers_503_then_recovers()
    {
        await using var down = await AzuriteProcess.StartAsync();
        var settings = SenderHost.SettingsFor(Sinch);
        settings["SendQueueStorage"] = down.ConnectionString;
        settings["SendQueueName"] = QueueName;
        settings["Sinch:MaxRetries"] = "0";
        await using var host = SenderHost.Create(settings, s => s.AddSingleton<TimeProvider>(_clock));
        var key = Guid.NewGuid().ToString();
        down.Stop();

        var context = HttpInvoker.Request(host, Message, headers: new Dictionary<string, string> { ["Idempotency-Key"] = key });
        var answer = await HttpInvoker.ExecuteAsync(context, await host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));

        // Without the claim there is no proof a retry would not duplicate: nothing goes to Sinch, the caller retries.
        Assert.Equal(503, answer.Status);
        Assert.NotNull(answer.Header("Retry-After"));
        Assert.Contains("idempotency", answer.Json.GetProperty("detail").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Sinch.SendRequests);
    }

    [Fact]
    public async Task Tables_failing_after_sinch_accepted_still_answer_200_with_the_message_id_and_a_retry_does_not_resend()
    {
        await using var storage = await AzuriteProcess.StartAsync(persistent: true);
        var settings = SenderHost.SettingsFor(Sinch);
        settings["SendQueueStorage"] = storage.ConnectionString;
        settings["SendQueueName"] = QueueName;
        await using var host = SenderHost.Create(settings, s => s.AddSingleton<TimeProvider>(_clock));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Sinch.Script(new FakeResponse(200) { HeldUntil = release.Task });
        var key = Guid.NewGuid().ToString();

        // Sinch takes the message; while its answer is on the way, the account that holds the claim and the status goes down.
        var context = HttpInvoker.Request(host, Message, headers: new Dictionary<string, string> { ["Idempotency-Key"] = key });
        var sending = host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None);
        await Eventually.UntilAsync(() => Sinch.SendRequests.Count, n => n == 1, "the send to reach Sinch");
        storage.Stop();
        release.SetResult();
        var answer = await HttpInvoker.ExecuteAsync(context, await sending);

        Assert.Equal(200, answer.Status);
        Assert.Matches("^[0-9A-Z]{26}$", answer.Json.GetProperty("message_id").GetString()!);
        Assert.Contains(host.Logs.Lines, l => l.Contains("Could not record the outcome under the idempotency key", StringComparison.Ordinal));

        // The claim is still "in flight" in the restarted account: a retry of the caller's is held off, not sent again.
        await storage.RestartAsync();
        var retryContext = HttpInvoker.Request(host, Message, headers: new Dictionary<string, string> { ["Idempotency-Key"] = key });
        var retry = await HttpInvoker.ExecuteAsync(retryContext, await host.CreateFunction<SendMessageHttpFunction>().RunAsync(retryContext.Request, CancellationToken.None));
        Assert.Equal(409, retry.Status);
        Assert.Single(Sinch.SendRequests);
    }

    [Fact]
    public async Task A_send_still_in_progress_on_the_last_delivery_is_requeued_under_its_key_not_poisoned()
    {
        var (raw, message) = await ProduceAndReceiveAsync();
        // A short in-flight timeout (and so short send timeouts: it must exceed the longest send) to see the copy soon.
        await using var host = CreateHost(new() { ["Sinch:AttemptTimeout"] = "00:00:01", ["Sinch:TotalTimeout"] = "00:00:01", ["Idempotency:InFlightTimeout"] = "00:00:03" });
        var function = host.CreateFunction<SendMessageQueueFunction>();

        // Another instance holds the claim (its send is under way) when the host hands over the last delivery.
        var store = host.Get<ConversationSender.Idempotency.IdempotencyStore>();
        var key = $"queue:{QueueName}:{message.MessageId}";
        var other = Assert.IsType<ConversationSender.Idempotency.IdempotencyClaim.Claimed>(await store.ClaimAsync(key, FingerprintOf(Message), CancellationToken.None));
        await function.RunAsync(HostQueueMessages.WithDequeueCount(message, 5), CancellationToken.None);
        await new QueueClient(Azurite.ConnectionString, QueueName).DeleteMessageAsync(raw.MessageId, raw.PopReceipt); // the host deletes it: the function returned

        // The other attempt succeeds; the copy comes back after the in-flight timeout, finds it sent, and stops.
        await store.CompleteAsync(other, "01OTHERATTEMPT", DateTimeOffset.UtcNow, correlationId: null, CancellationToken.None);
        var copy = await ReceiveWhenVisibleAsync();
        Assert.Contains($"\"idempotency_key\":\"{key}\"", copy.Body.ToString(), StringComparison.Ordinal);
        await function.RunAsync(copy, CancellationToken.None);

        Assert.Empty(Sinch.SendRequests);
        Assert.False(await new QueueClient(Azurite.ConnectionString, QueueName + "-poison").ExistsAsync());
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

    protected override SenderHost CreateHost() => CreateHost(overrides: null);

    private SenderHost CreateHost(Dictionary<string, string?>? overrides)
    {
        var settings = SenderHost.SettingsFor(Sinch, Azurite.ConnectionString, QueueName);
        settings["Idempotency:TableName"] = "idem" + Guid.NewGuid().ToString("N")[..12];
        settings["Idempotency:InFlightTimeout"] = "00:01:01"; // just above the longest send (2 × Sinch:TotalTimeout)
        settings["Sinch:ReconcileSettleTime"] = "00:00:00";
        foreach (var (name, value) in overrides ?? [])
        {
            settings[name] = value;
        }

        return SenderHost.Create(settings, s => s.AddSingleton<TimeProvider>(_clock));
    }

    /// <summary>Puts <see cref="Message"/> on the send queue with the product's client and receives it as the host would.</summary>
    private async Task<(Azure.Storage.Queues.Models.QueueMessage Raw, Azure.Storage.Queues.Models.QueueMessage Decoded)> ProduceAndReceiveAsync()
    {
        var producer = Host.Get<StorageClientFactory>().CreateQueue(QueueName);
        await producer.CreateIfNotExistsAsync();
        await producer.SendMessageAsync(Message);
        var raw = (await new QueueClient(Azurite.ConnectionString, QueueName).ReceiveMessageAsync()).Value;
        return (raw, HostQueueMessages.Decode(raw));
    }

    /// <summary>The fingerprint the send service binds a key to, for a claim a test makes as another attempt of the same request.</summary>
    private static string FingerprintOf(string body) =>
        KeyedSend.Fingerprint(ConversationSender.Validation.OutboundMessageValidator.Validate(BinaryData.FromString(body), out _).Request!);

    private async Task<HttpAnswer> PostAsync(string body, string? key = null)
    {
        var context = HttpInvoker.Request(Host, body, headers: key is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = key });
        var result = await Host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None);
        return await HttpInvoker.ExecuteAsync(context, result);
    }

    /// <summary>Polls the send queue until a message is visible, failing with what it saw after a generous deadline.</summary>
    private async Task<Azure.Storage.Queues.Models.QueueMessage> ReceiveWhenVisibleAsync()
    {
        var queue = new QueueClient(Azurite.ConnectionString, QueueName);
        var raw = await Eventually.UntilResultAsync(async () => (await queue.ReceiveMessageAsync()).Value, m => m is not null, $"a message to become visible on {QueueName}");
        return HostQueueMessages.Decode(raw!);
    }
}
