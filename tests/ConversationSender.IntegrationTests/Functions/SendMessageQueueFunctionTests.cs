using ConversationSender.Storage;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ConversationSender.Functions;
using ConversationSender.Queueing;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.IntegrationTests.Functions;

/// <summary>
/// The queue function with real Azurite: messages are produced with the product's own client settings, received
/// raw and base64-decoded as the Functions host does, and handed to the function as a <see cref="QueueMessage"/>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SendMessageQueueFunctionTests(AzuriteFixture azurite) : SandboxedSenderTest(azurite, "send-")
{
    private const string ValidMessage = """{ "to": { "channel": "WHATSAPP", "identity": "46701234567" }, "text": "Your order has shipped" }""";

    [Fact]
    public async Task The_products_producer_writes_base64_that_the_trigger_decodes_and_sends()
    {
        await ProduceAsync(ValidMessage);
        var (message, raw) = await ReceiveAsTheHostDoesAsync();

        Assert.Equal(ValidMessage, Encoding.UTF8.GetString(Convert.FromBase64String(raw)));
        await Host.CreateFunction<SendMessageQueueFunction>().RunAsync(message, CancellationToken.None);

        JsonAssert.Equal($$"""
            { "app_id": "{{SenderHost.AppId}}",
              "recipient": { "identified_by": { "channel_identities": [ { "channel": "WHATSAPP", "identity": "46701234567" } ] } },
              "message": { "text_message": { "text": "Your order has shipped" } },
              "message_metadata": "{{ConversationSender.Sending.KeyedSend.Marker($"queue:{QueueName}:{message.MessageId}")}}" }
            """, Assert.Single(Sinch.SendRequests).Body);
        Assert.Empty(await ReadDeadLettersAsync($"{QueueName}-failed"));
    }

    [Fact]
    public async Task An_invalid_message_is_dead_lettered_with_the_reason_and_the_original_and_not_retried()
    {
        const string invalid = """{ "to": { "channel": "SMSS", "identity": "+46701234567" } }""";
        await ProduceAsync(invalid);
        var (message, _) = await ReceiveAsTheHostDoesAsync();

        await Host.CreateFunction<SendMessageQueueFunction>().RunAsync(message, CancellationToken.None);

        var entry = Assert.Single(await ReadDeadLettersAsync($"{QueueName}-failed"));
        Assert.Equal("rejected", entry.GetProperty("outcome").GetString());
        Assert.Equal("The message is invalid.", entry.GetProperty("reason").GetString());
        var fields = entry.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains("to.channel", fields);
        Assert.Contains("text", fields);
        Assert.Equal(invalid, entry.GetProperty("original_message").GetString());
        Assert.Equal(message.MessageId, entry.GetProperty("original_message_id").GetString());
        Assert.Equal(QueueName, entry.GetProperty("queue_name").GetString());
        Assert.Equal(1, entry.GetProperty("dequeue_count").GetInt64());
        Assert.Empty(Sinch.Requests);
    }

    [Fact]
    public async Task A_dead_letter_always_fits_a_queue_message_the_original_going_to_a_blob_when_it_must_and_replay_restores_it()
    {
        // As large as a queue message may be, full of what JSON escapes: re-encoded inside the entry it cannot fit.
        var invalid = $$"""{ "to": { "channel": "SMSS", "identity": "+46701234567" }, "text": "{{string.Concat(Enumerable.Repeat("\\\"", 23_000))}}" }""";
        Assert.InRange(Encoding.UTF8.GetByteCount(invalid), 45_000, 48 * 1024);
        await ProduceAsync(invalid);
        var (message, _) = await ReceiveAsTheHostDoesAsync();

        await Host.CreateFunction<SendMessageQueueFunction>().RunAsync(message, CancellationToken.None);

        var letters = new QueueClient(Azurite.ConnectionString, $"{QueueName}-failed");
        var letter = Assert.Single((await letters.PeekMessagesAsync(32)).Value);
        var entry = JsonDocument.Parse(Convert.FromBase64String(letter.Body.ToString())).RootElement;
        Assert.Equal("rejected", entry.GetProperty("outcome").GetString());
        Assert.Contains(entry.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "to.channel");
        Assert.False(entry.TryGetProperty("original_message", out _));
        var blob = entry.GetProperty("original_message_blob").GetString()!;
        Assert.StartsWith($"{QueueName}-failed-originals/", blob, StringComparison.Ordinal);
        var kept = await new Azure.Storage.Blobs.BlobContainerClient(Azurite.ConnectionString, blob.Split('/')[0]).GetBlobClient(blob.Split('/', 2)[1]).DownloadContentAsync();
        Assert.Equal(invalid, kept.Value.Content.ToString());
        Assert.InRange(letter.ExpiresOn!.Value - letter.InsertedOn!.Value, TimeSpan.FromDays(14) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));

        // Replayed onto the send queue exactly as it was first written.
        var replay = await Host.Get<DeadLetterReplayer>().ReplayAsync(new ReplayRequest(FromPoison: false, MessageIds: null, Max: 10), CancellationToken.None);
        Assert.Equal([message.MessageId], replay.Replayed);
        var (again, _) = await ReceiveAsTheHostDoesAsync();
        Assert.Equal(invalid, again.Body.ToString());
    }

    [Fact]
    public async Task A_message_that_is_not_json_is_dead_lettered_too()
    {
        await ProduceAsync("hello, please send this");
        var (message, _) = await ReceiveAsTheHostDoesAsync();

        await Host.CreateFunction<SendMessageQueueFunction>().RunAsync(message, CancellationToken.None);

        var entry = Assert.Single(await ReadDeadLettersAsync($"{QueueName}-failed"));
        Assert.Equal("hello, please send this", entry.GetProperty("original_message").GetString());
        Assert.Contains("not valid JSON", entry.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(400, "INVALID_ARGUMENT")]
    [InlineData(403, "PERMISSION_DENIED")]
    [InlineData(404, "NOT_FOUND")]
    public async Task A_permanent_sinch_refusal_is_dead_lettered_with_sinchs_status(int status, string statusName)
    {
        Sinch.Script(FakeResponse.SinchError(status, statusName, "refused"));
        await ProduceAsync(ValidMessage);
        var (message, _) = await ReceiveAsTheHostDoesAsync();

        await Host.CreateFunction<SendMessageQueueFunction>().RunAsync(message, CancellationToken.None);

        var entry = Assert.Single(await ReadDeadLettersAsync($"{QueueName}-failed"));
        Assert.Equal(status, entry.GetProperty("upstream_status").GetInt32());
        Assert.Equal(statusName, entry.GetProperty("sinch_status").GetString());
        Assert.Contains("refused", entry.GetProperty("reason").GetString());
        Assert.Single(Sinch.SendRequests);
    }

    [Fact]
    public async Task A_transient_failure_queues_a_copy_under_the_same_key_for_later_and_completes_the_original()
    {
        Sinch.DefaultSendResponse = FakeResponse.Unavailable();
        await using var host = CreateHost(s => s["SendQueue:OutageRecheckDelay"] = "00:00:00.200");
        await ProduceAsync(ValidMessage);
        var (message, _) = await ReceiveAsTheHostDoesAsync();
        var function = host.CreateFunction<SendMessageQueueFunction>();

        await function.RunAsync(message, CancellationToken.None);

        var copy = await ReceiveWhenVisibleAsync();
        var envelope = JsonDocument.Parse(copy.Body.ToString()).RootElement;
        Assert.Equal(2, envelope.GetProperty("retry").GetProperty("attempt").GetInt32());
        Assert.Equal($"queue:{QueueName}:{message.MessageId}", envelope.GetProperty("retry").GetProperty("idempotency_key").GetString());
        Assert.Contains("503", envelope.GetProperty("retry").GetProperty("last_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(ValidMessage, envelope.GetProperty("message").GetString()); // the caller's text, to the byte
        Assert.Empty(await ReadDeadLettersAsync($"{QueueName}-failed"));

        // Sinch is back: the copy is sent, once.
        Sinch.DefaultSendResponse = null;
        await function.RunAsync(copy, CancellationToken.None);
        Assert.Equal(4, Sinch.SendRequests.Count); // 3 tries (in-call retries) of attempt 1, then attempt 2
        Assert.Empty(await ReadDeadLettersAsync($"{QueueName}-failed"));
    }

    [Fact]
    public async Task A_message_failing_past_its_maximum_age_is_dead_lettered_with_the_last_reason()
    {
        Sinch.DefaultSendResponse = FakeResponse.Unavailable();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = SenderHost.SettingsFor(Sinch, Azurite.ConnectionString, QueueName);
        settings["SendQueue:OutageRecheckDelay"] = "00:00:00.200";
        settings["SendQueue:MaxRetryAge"] = "01:00:00";
        await using var host = SenderHost.Create(settings, s => s.AddSingleton<TimeProvider>(clock));
        await ProduceAsync(ValidMessage);
        var (message, _) = await ReceiveAsTheHostDoesAsync();
        var function = host.CreateFunction<SendMessageQueueFunction>();

        // An outage that outlasts the maximum age, 20 minutes of the app's clock between attempts: at 0, 20, 40 and
        // 60 min; the fourth finds the message an hour old and gives up.
        var attempts = 0;
        var next = message;
        while (true)
        {
            await function.RunAsync(next, CancellationToken.None);
            attempts++;
            if ((await ReadDeadLettersAsync($"{QueueName}-failed")).Count > 0 || attempts == 10)
            {
                break;
            }

            clock.Advance(TimeSpan.FromMinutes(20));
            next = await ReceiveWhenVisibleAsync();
        }

        var entry = Assert.Single(await ReadDeadLettersAsync($"{QueueName}-failed"));
        Assert.Equal(4, attempts);
        Assert.Equal("gave_up", entry.GetProperty("outcome").GetString());
        Assert.Contains("after 4 attempts over 60 min", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(503, entry.GetProperty("upstream_status").GetInt32());
        Assert.Equal(ValidMessage, entry.GetProperty("original_message").GetString());
    }

    [Fact]
    public async Task A_misconfiguration_keeps_the_message_coming_back_and_never_names_the_secret()
    {
        await using var host = CreateHost(s => s["SendQueue:RetryBaseDelay"] = "00:00:00.200");
        Sinch.KeySecret = "rotated-elsewhere";
        await ProduceAsync(ValidMessage);
        var (message, _) = await ReceiveAsTheHostDoesAsync();

        await host.CreateFunction<SendMessageQueueFunction>().RunAsync(HostQueueMessages.WithDequeueCount(message, 5), CancellationToken.None);

        var copy = await ReceiveWhenVisibleAsync();
        var reason = JsonDocument.Parse(copy.Body.ToString()).RootElement.GetProperty("retry").GetProperty("last_reason").GetString()!;
        Assert.Contains("Sinch:KeySecret", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("sandbox-key-secret", reason, StringComparison.Ordinal);
        Assert.Empty(await ReadDeadLettersAsync($"{QueueName}-failed"));
    }

    [Fact]
    public async Task The_dead_letter_queue_name_is_configurable()
    {
        await using var host = CreateHost(s => s["SendQueue:DeadLetterQueueName"] = QueueName + "-dlq");
        await ProduceAsync("{}");
        var (message, _) = await ReceiveAsTheHostDoesAsync();

        await host.CreateFunction<SendMessageQueueFunction>().RunAsync(message, CancellationToken.None);

        Assert.Single(await ReadDeadLettersAsync(QueueName + "-dlq"));
    }

    [Fact]
    public void The_trigger_reads_its_queue_name_and_connection_from_settings()
    {
        var method = typeof(SendMessageQueueFunction).GetMethod(nameof(SendMessageQueueFunction.RunAsync))!;
        var trigger = (QueueTriggerAttribute)method.GetParameters()[0].GetCustomAttributes(typeof(QueueTriggerAttribute), false).Single();

        Assert.Equal("%SendQueueName%", trigger.QueueName);
        Assert.Equal(SendQueueOptions.ConnectionSettingName, trigger.Connection);
    }

    protected override SenderHost CreateHost() => CreateHost(adjust: null);

    private SenderHost CreateHost(Action<Dictionary<string, string?>>? adjust)
    {
        var settings = SenderHost.SettingsFor(Sinch, Azurite.ConnectionString, QueueName);
        adjust?.Invoke(settings);
        return SenderHost.Create(settings);
    }

    private async Task ProduceAsync(string json)
    {
        var producer = Host.Get<StorageClientFactory>().CreateQueue(QueueName);
        await producer.CreateIfNotExistsAsync();
        await producer.SendMessageAsync(json);
    }

    /// <summary>Receives with no decoding, then decodes base64 as the host's default messageEncoding does.</summary>
    private async Task<(QueueMessage Message, string Raw)> ReceiveAsTheHostDoesAsync()
    {
        var raw = new QueueClient(Azurite.ConnectionString, QueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        QueueMessage received = (await raw.ReceiveMessageAsync(TimeSpan.FromMinutes(1))).Value ?? throw new InvalidOperationException("the queue is empty");
        return (HostQueueMessages.Decode(received), received.Body.ToString());
    }

    /// <summary>The next message on the send queue once it becomes visible (a copy is queued with a delay).</summary>
    private async Task<QueueMessage> ReceiveWhenVisibleAsync()
    {
        var raw = new QueueClient(Azurite.ConnectionString, QueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var received = await Eventually.UntilResultAsync(async () => (await raw.ReceiveMessageAsync(TimeSpan.FromMinutes(1))).Value, m => m is not null, "a message to become visible on the send queue");
        return HostQueueMessages.Decode(received!);
    }

    private async Task<IReadOnlyList<JsonElement>> ReadDeadLettersAsync(string queueName)
    {
        var client = new QueueClient(Azurite.ConnectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        if (!await client.ExistsAsync())
        {
            return [];
        }

        var peeked = await client.PeekMessagesAsync(maxMessages: 32);
        return [.. peeked.Value.Select(m => JsonDocument.Parse(m.Body).RootElement.Clone())];
    }
}
