using System.Diagnostics.Metrics;
using Azure.Storage.Queues;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.Sending;
using ConversationSender.Storage;
using ConversationSender.Telemetry;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ConversationSender.IntegrationTests.Telemetry;

/// <summary>The sender's instruments, read with <see cref="MetricCollector{T}"/> while real sends, queue messages and callbacks go through.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class MetricsTests(AzuriteFixture azurite) : VaultedSandboxTest(SenderHost.ProjectId, SenderHost.AppId)
{
    private readonly string _queueName = "metrics-" + Guid.NewGuid().ToString("N")[..12];
    private SenderHost _host = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Vault.Secrets["sinch-webhook-secret"] = "whsec-metrics";
        _host = SenderHost.CreateWithKeyVault(Sinch, Vault, settings =>
        {
            settings["SendQueueStorage"] = azurite.ConnectionString;
            settings["SendQueueName"] = _queueName;
        });
    }

    public override async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Sends_are_counted_by_outcome_and_channel_and_timed_and_vault_reads_and_tokens_counted()
    {
        using var sends = Collect<long>("conversation_sender.sends");
        using var durations = Collect<double>("conversation_sender.send.duration");
        using var reads = Collect<long>("conversation_sender.key_vault.reads");
        using var tokens = Collect<long>("conversation_sender.sinch.token_requests");
        var service = _host.Get<SendService>();

        await service.SendAsync(BinaryData.FromString("""{ "to": { "channel": "WHATSAPP", "identity": "46701234567" }, "text": "hi" }"""), CancellationToken.None);
        await service.SendAsync(BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701234567" } }"""), CancellationToken.None);
        await service.SendAsync(BinaryData.FromString("not json"), CancellationToken.None);

        Assert.Equal([("accepted", "WHATSAPP"), ("rejected", "unknown"), ("rejected", "unknown")], // an invalid message has no channel to trust
            sends.GetMeasurementSnapshot().Select(m => ((string)m.Tags["outcome"]!, (string)m.Tags["channel"]!)));
        Assert.Equal(3, durations.GetMeasurementSnapshot().Count);
        Assert.All(durations.GetMeasurementSnapshot(), m => Assert.InRange(m.Value, 0, 60));
        Assert.Equal(4, reads.GetMeasurementSnapshot().Count(m => (string)m.Tags["result"]! == "ok")); // project, app, key id, key secret
        Assert.Equal(["issued"], tokens.GetMeasurementSnapshot().Select(m => (string)m.Tags["result"]!));
    }

    [Fact]
    public async Task Dead_letters_are_counted_by_outcome_and_queue_messages_by_age()
    {
        using var deadLetters = Collect<long>("conversation_sender.dead_letters");
        using var ages = Collect<double>("conversation_sender.queue.message_age");
        var producer = _host.Get<StorageClientFactory>().CreateQueue(_queueName);
        await producer.CreateIfNotExistsAsync();
        await producer.SendMessageAsync("""{ "to": { "channel": "SMSS", "identity": "+46701234567" }, "text": "hi" }""");
        var raw = (await new QueueClient(azurite.ConnectionString, _queueName).ReceiveMessageAsync()).Value;

        await _host.CreateFunction<SendMessageQueueFunction>().RunAsync(HostQueueMessages.Decode(raw), CancellationToken.None);

        Assert.Equal(["rejected"], deadLetters.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!));
        Assert.InRange(Assert.Single(ages.GetMeasurementSnapshot()).Value, 0, 300);
    }

    [Fact]
    public async Task Callbacks_are_counted_by_result()
    {
        using var callbacks = Collect<long>("conversation_sender.callbacks");
        const string Report = """{ "message_delivery_report": { "message_id": "01X", "status": "DELIVERED" } }""";

        var statuses = new List<int>
        {
            await PostCallbackAsync(_host, Report, signed: false),
            await PostCallbackAsync(_host, Report, signed: true),
            await PostCallbackAsync(_host, "[]", signed: true),
        };

        // No webhook secret anywhere: callbacks cannot be verified, so none is taken.
        await using var unverifiable = SenderHost.Create(SenderHost.SettingsFor(Sinch));
        using var unavailable = new MetricCollector<long>(unverifiable.Get<IMeterFactory>(), SenderMetrics.MeterName, "conversation_sender.callbacks");
        statuses.Add(await PostCallbackAsync(unverifiable, Report, signed: true));

        Assert.Equal([401, 200, 400, 503], statuses);
        Assert.Equal(["unauthorized", "accepted", "invalid"], callbacks.GetMeasurementSnapshot().Select(m => (string)m.Tags["result"]!));
        Assert.Equal(["unavailable"], unavailable.GetMeasurementSnapshot().Select(m => (string)m.Tags["result"]!));
    }

    private static async Task<int> PostCallbackAsync(SenderHost host, string body, bool signed)
    {
        var nonce = Guid.NewGuid().ToString("N");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var headers = signed
            ? new Dictionary<string, string>
            {
                [ConversationSender.Callbacks.WebhookSignature.NonceHeader] = nonce,
                [ConversationSender.Callbacks.WebhookSignature.TimestampHeader] = timestamp,
                [ConversationSender.Callbacks.WebhookSignature.SignatureHeader] = CallbackSigner.Compute("whsec-metrics", body, nonce, timestamp),
            }
            : null;
        var context = HttpInvoker.Request(host, body, headers: headers);
        return (await HttpInvoker.ExecuteAsync(context, await host.CreateFunction<SinchEventsFunction>().RunAsync(context.Request, CancellationToken.None))).Status;
    }

    private MetricCollector<T> Collect<T>(string instrument) where T : struct =>
        new(_host.Get<IMeterFactory>(), SenderMetrics.MeterName, instrument);
}
