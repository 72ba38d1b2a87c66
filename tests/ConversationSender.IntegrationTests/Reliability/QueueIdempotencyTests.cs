using System.Text;
using Azure.Storage.Queues;
using ConversationSender.Functions;
using ConversationSender.Storage;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>
/// Idempotency on the send queue: a redelivery after a send is not sent again, a reused key is dead-lettered, and a
/// send still in progress on the last delivery is requeued under its key.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueueIdempotencyTests(AzuriteFixture azurite) : IdempotencyTest(azurite)
{
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
}
