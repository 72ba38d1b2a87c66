using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using ConversationSender.Functions;
using ConversationSender.Storage;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>
/// A Sinch outage on the real queue path (Azurite, the queue function, a host simulator), compressed: the back-off
/// settings are scaled down from 30 s … 15 min to 250 ms … 1 s, so that many back-off steps pass in seconds.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueueOutageTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const int Messages = 20;
    private readonly string _queueName = "outage-" + Guid.NewGuid().ToString("N")[..12];
    private SinchSandbox _sinch = null!;

    public async Task InitializeAsync() => _sinch = await SinchSandbox.StartAsync();

    public async Task DisposeAsync() => await _sinch.DisposeAsync();

    [Fact]
    public async Task An_outage_is_ridden_out_every_message_sent_once_none_parked_and_attempts_bounded_by_the_back_off()
    {
        var settings = SenderHost.SettingsFor(_sinch, azurite.ConnectionString, _queueName);
        settings["Sinch:MaxRetries"] = "0"; // one request per attempt, so requests count attempts
        settings["Sinch:CircuitBreakerMinimumThroughput"] = "10000"; // every attempt reaches Sinch, so requests count them all
        settings["SendQueue:RetryBaseDelay"] = "00:00:00.250";
        settings["SendQueue:RetryMaxDelay"] = "00:00:01";
        settings["SendQueue:OutageRecheckDelay"] = "00:00:00.500"; // a 503 is Sinch down: re-checked, not backed off
        await using var host = SenderHost.Create(settings);
        var producer = host.Get<StorageClientFactory>().CreateQueue(_queueName);
        await producer.CreateIfNotExistsAsync();
        for (var i = 0; i < Messages; i++)
        {
            await producer.SendMessageAsync($$"""{ "to": { "channel": "SMS", "identity": "+4670000{{i:D4}}" }, "text": "outage {{i}}", "correlation_id": "outage-{{i}}" }""");
        }

        _sinch.DefaultSendResponse = FakeResponse.Unavailable();
        var outage = Stopwatch.StartNew();
        var function = host.CreateFunction<SendMessageQueueFunction>();
        var simulator = new QueueHostSimulator(azurite.ConnectionString, _queueName, m => function.RunAsync(m, CancellationToken.None));
        var run = simulator.RunUntilDrainedAsync(TimeSpan.FromMinutes(3));

        // The outage lasts until every message has failed at least five times (so several back-off steps passed).
        await Eventually.UntilAsync(() => Enumerable.Range(0, Messages).Min(AttemptsOf), n => n >= 5, "every message to fail five times");
        // Counted before the clock stops: an attempt made while counting is then inside the measured outage.
        var attemptsDuringOutage = Enumerable.Range(0, Messages).Select(AttemptsOf).ToList();
        outage.Stop();
        _sinch.DefaultSendResponse = null;

        Assert.True(await run, "the queue did not drain");
        var delivered = _sinch.Deliveries.Select(d => JsonNode.Parse(d)!["correlation_id"]!.GetValue<string>()).ToList();
        Assert.Equal(Enumerable.Range(0, Messages).Select(i => $"outage-{i}").Order(StringComparer.Ordinal), delivered.Order(StringComparer.Ordinal));
        Assert.False(await new QueueClient(azurite.ConnectionString, _queueName + "-failed").ExistsAsync());
        Assert.False(await new QueueClient(azurite.ConnectionString, _queueName + "-poison").ExistsAsync());
        Assert.Empty(simulator.UnexpectedFailures);

        // Each wait is at least half its nominal step (jitter) and, as the queue counts visibility in whole seconds,
        // rounded up to one: here every wait is 1 s. So in an outage of T a message can fail at most 1 + T / 1 s
        // times, plus one attempt in flight when it ended. A slow machine makes fewer attempts, never more; the fixed
        // 300 ms retries of a host would make far more.
        var bound = 2 + (int)Math.Floor(outage.Elapsed.TotalSeconds);
        Expect.All(attemptsDuringOutage, attempts => Assert.InRange(attempts, 5, bound));
    }

    private int AttemptsOf(int index) => _sinch.SendRequests.Count(r => r.Body.Contains($"\"outage-{index}\"", StringComparison.Ordinal));
}
