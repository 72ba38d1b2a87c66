using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using System.Diagnostics.Metrics;
using ConversationSender.Credentials;
using ConversationSender.Functions;
using ConversationSender.Idempotency;
using ConversationSender.RateLimiting;
using ConversationSender.Sinch;
using ConversationSender.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ConversationSender.Sending;
using ConversationSender.Telemetry;
using ConversationSender.Storage;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>Ambiguous sends looked up in Sinch's message list (the sandbox's) before any resend, on both paths.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReconciliationTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Message = """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""";
    private readonly string _queueName = "recon-" + Guid.NewGuid().ToString("N")[..12];
    private SinchSandbox _sinch = null!;
    private SenderHost _host = null!;
    private MetricCollector<long> _reconciliations = null!;

    public async Task InitializeAsync()
    {
        _sinch = await SinchSandbox.StartAsync();
        var settings = SenderHost.SettingsFor(_sinch, azurite.ConnectionString, _queueName);
        settings["Sinch:ReconcileSettleTime"] = "00:00:00";
        settings["SendQueue:RetryBaseDelay"] = "00:00:00.200";
        settings["SendQueue:OutageRecheckDelay"] = "00:00:00.200";
        _host = SenderHost.Create(settings);
        _reconciliations = new MetricCollector<long>(_host.Get<IMeterFactory>(), SenderMetrics.MeterName, "conversation_sender.reconciliations");
    }

    public async Task DisposeAsync()
    {
        _reconciliations.Dispose();
        await _host.DisposeAsync();
        await _sinch.DisposeAsync();
    }

    [Fact]
    public async Task Over_http_a_send_sinch_took_is_found_on_the_retry_and_not_sent_again()
    {
        var key = Guid.NewGuid().ToString();
        _sinch.Script(FakeResponse.AcceptedThenReset());
        using var sends = new MetricCollector<long>(_host.Get<IMeterFactory>(), SenderMetrics.MeterName, "conversation_sender.sends");

        var first = await PostAsync(key);
        var retry = await PostAsync(key);

        Assert.Equal(502, first.Status);
        Assert.Equal("urn:conversation-sender:problem:send-unconfirmed", first.Json.GetProperty("type").GetString());
        Assert.Contains("same Idempotency-Key", first.Json.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Equal(200, retry.Status);
        Assert.Equal(Assert.Single(_sinch.Listed).Id, retry.Json.GetProperty("message_id").GetString());
        Assert.Single(_sinch.SendRequests);
        Assert.Single(_sinch.Deliveries);
        Assert.Contains(_host.Logs.Lines, l => l.Contains("Reconciled as sent", StringComparison.Ordinal));
        Assert.Equal(["reconciled_sent"], ReconciliationResults());
        Assert.Equal(["unconfirmed", "replayed"], sends.GetMeasurementSnapshot().Select(m => (string?)m.Tags["outcome"]));
    }

    [Fact]
    public async Task Over_http_a_send_sinch_never_took_is_sent_once_on_the_retry()
    {
        var key = Guid.NewGuid().ToString();
        _sinch.Script(FakeResponse.ResetBeforeAccepting());

        Assert.Equal(502, (await PostAsync(key)).Status);
        var retry = await PostAsync(key);

        Assert.Equal(200, retry.Status);
        Assert.Single(_sinch.Deliveries);
        Assert.Contains(_host.Logs.Lines, l => l.Contains("Reconciled as not sent", StringComparison.Ordinal));
        Assert.Equal(["reconciled_not_sent"], ReconciliationResults());
    }

    [Fact]
    public async Task When_the_list_cannot_be_searched_nothing_is_resent_and_a_person_is_asked()
    {
        var key = Guid.NewGuid().ToString();
        _sinch.Script(FakeResponse.AcceptedThenReset());
        Assert.Equal(502, (await PostAsync(key)).Status);
        _sinch.FailListing(1);

        var retry = await PostAsync(key);

        Assert.Equal(502, retry.Status);
        Assert.Contains("A person must decide", retry.Json.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Single(_sinch.SendRequests);
        Assert.Equal(["parked_unconfirmed"], ReconciliationResults());
    }

    [Fact]
    public async Task The_lookup_pages_through_other_traffic_and_waits_for_a_lagging_list()
    {
        var key = Guid.NewGuid().ToString();
        _sinch.Options.ListingDelay = TimeSpan.FromHours(1);
        await using var patient = SenderHost.Create(SettingsWith("Sinch:ReconcileSettleTime", "00:30:00"));
        using var lookups = new MetricCollector<long>(patient.Get<IMeterFactory>(), SenderMetrics.MeterName, "conversation_sender.reconciliations");
        _sinch.Script(FakeResponse.AcceptedThenReset());
        Assert.Equal(502, (await PostAsync(patient, key)).Status);
        for (var i = 0; i < 1500; i++)
        {
            // Later sends of the same app to the same number: Sinch lists newest first, so more than one page (1,000) to search through.
            _sinch.AddListed(new ListedMessage($"01OTHER{i:D19}", DateTimeOffset.UtcNow, SenderHost.AppId, "SMS", "+46701234567", $"other-{i}", """{ "text_message": { "text": "Your code is 123456" } }"""));
        }

        // Not listed yet, and the settle time has not passed: still unconfirmed, not resent.
        var early = await PostAsync(patient, key);
        _sinch.Options.ListingDelay = TimeSpan.Zero;
        var later = await PostAsync(patient, key);

        Assert.Equal(502, early.Status);
        Assert.Equal(200, later.Status);
        Assert.Equal(_sinch.Listed.Single(m => !m.Id.StartsWith("01OTHER", StringComparison.Ordinal)).Id, later.Json.GetProperty("message_id").GetString());
        Assert.Single(_sinch.SendRequests);
        Assert.Contains(_sinch.ListRequests, q => q.Contains("page_token=1000", StringComparison.Ordinal));
        Assert.Equal(["not_listed_yet", "reconciled_sent"], lookups.GetMeasurementSnapshot().Select(m => (string?)m.Tags["result"]));
    }

    [Theory]
    [InlineData(false, 1, 0)]
    [InlineData(true, 1, 1)]
    public async Task On_the_queue_an_ambiguous_send_is_reconciled_or_parked_as_unconfirmed(bool listUnavailable, int deliveries, int parked)
    {
        var producer = _host.Get<StorageClientFactory>().CreateQueue(_queueName);
        await producer.CreateIfNotExistsAsync();
        await producer.SendMessageAsync(Message);
        var function = _host.CreateFunction<SendMessageQueueFunction>();
        var queue = new QueueClient(azurite.ConnectionString, _queueName);
        _sinch.Script(FakeResponse.AcceptedThenReset());
        if (listUnavailable)
        {
            _sinch.FailListing(10);
        }

        // The first attempt is ambiguous; its copy comes back and is looked up instead of resent.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var raw = await Eventually.UntilResultAsync(async () => (await queue.ReceiveMessageAsync()).Value, m => m is not null, "the next delivery");
            await function.RunAsync(HostQueueMessages.Decode(raw!), CancellationToken.None);
            await queue.DeleteMessageAsync(raw!.MessageId, raw.PopReceipt);
        }

        Assert.Equal(deliveries, _sinch.Deliveries.Count);
        Assert.Single(_sinch.SendRequests);
        var letters = new QueueClient(azurite.ConnectionString, _queueName + "-failed");
        var dead = await letters.ExistsAsync() ? (await letters.PeekMessagesAsync(32)).Value : [];
        Assert.Equal(parked, dead.Length);
        if (parked > 0)
        {
            var entry = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(dead[0].Body.ToString())))!;
            Assert.Equal("unconfirmed", entry["outcome"]!.GetValue<string>());
            Assert.Contains("cannot be searched", entry["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Over_http_a_retry_after_the_sender_died_mid_send_is_reconciled_not_sent_again(bool listUnavailable)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = SenderHost.Create(SettingsWith("Sinch:ReconcileSettleTime", "00:00:00"), s => s.AddSingleton<TimeProvider>(clock));
        var key = Guid.NewGuid().ToString();
        await SendThenDieAsync(host, key, Message);
        clock.Advance(host.Get<IOptions<IdempotencyOptions>>().Value.InFlightTimeout + TimeSpan.FromSeconds(1));
        if (listUnavailable)
        {
            _sinch.FailListing(1);
        }

        var retry = await PostAsync(host, key);

        Assert.Single(_sinch.SendRequests);
        if (listUnavailable)
        {
            Assert.Equal(502, retry.Status);
            Assert.Equal("urn:conversation-sender:problem:send-unconfirmed", retry.Json.GetProperty("type").GetString());
        }
        else
        {
            Assert.Equal(200, retry.Status);
            Assert.Equal(Assert.Single(_sinch.Listed).Id, retry.Json.GetProperty("message_id").GetString());
        }
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 1)]
    public async Task On_the_queue_a_redelivery_after_the_worker_died_mid_send_is_reconciled_or_parked(bool listUnavailable, int parked)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = SenderHost.Create(SettingsWith("Sinch:ReconcileSettleTime", "00:00:00"), s => s.AddSingleton<TimeProvider>(clock));
        var producer = host.Get<StorageClientFactory>().CreateQueue(_queueName);
        await producer.CreateIfNotExistsAsync();
        await producer.SendMessageAsync(Message);
        var queue = new QueueClient(azurite.ConnectionString, _queueName);
        var raw = (await queue.ReceiveMessageAsync(TimeSpan.FromSeconds(1))).Value;

        // The worker claimed the message's key and Sinch took it; the worker died before recording that or deleting the message.
        await SendThenDieAsync(host, $"queue:{_queueName}:{raw.MessageId}", Message);
        clock.Advance(host.Get<IOptions<IdempotencyOptions>>().Value.InFlightTimeout + TimeSpan.FromSeconds(1));
        if (listUnavailable)
        {
            _sinch.FailListing(1);
        }

        var redelivered = await Eventually.UntilResultAsync(async () => (await queue.ReceiveMessageAsync()).Value, m => m is not null, "the redelivery");
        await host.CreateFunction<SendMessageQueueFunction>().RunAsync(HostQueueMessages.Decode(redelivered!), CancellationToken.None);

        Assert.Single(_sinch.SendRequests);
        var letters = new QueueClient(azurite.ConnectionString, _queueName + "-failed");
        Assert.Equal(parked, await letters.ExistsAsync() ? (await letters.PeekMessagesAsync(32)).Value.Length : 0);
        Assert.Contains(host.Logs.Lines, l => l.Contains(listUnavailable ? "Parked unconfirmed" : "Reconciled as sent", StringComparison.Ordinal));
    }

    /// <summary>What a worker does up to its death: claims the key as the send service does, and Sinch takes the message.</summary>
    private static async Task SendThenDieAsync(SenderHost host, string key, string json)
    {
        var request = OutboundMessageValidator.Validate(BinaryData.FromString(json), out _).Request!;
        Assert.IsType<IdempotencyClaim.Claimed>(await host.Get<IdempotencyStore>().ClaimAsync(key, KeyedSend.Fingerprint(request), CancellationToken.None));
        await host.Get<ConversationClient>().SendAsync(request with { MessageMetadata = KeyedSend.Marker(key) }, SendPriority.Caller, CancellationToken.None);
    }

    private Task<HttpAnswer> PostAsync(string key) => PostAsync(_host, key);

    private static async Task<HttpAnswer> PostAsync(SenderHost host, string key)
    {
        var context = HttpInvoker.Request(host, Message, headers: new Dictionary<string, string> { ["Idempotency-Key"] = key });
        return await HttpInvoker.ExecuteAsync(context, await host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));
    }

    private Dictionary<string, string?> SettingsWith(string name, string value)
    {
        var settings = SenderHost.SettingsFor(_sinch, azurite.ConnectionString, _queueName);
        settings[name] = value;
        return settings;
    }

    private List<string?> ReconciliationResults() =>
        [.. _reconciliations.GetMeasurementSnapshot().Select(m => m.Tags.TryGetValue("result", out var result) ? (string?)result : null)];
}
