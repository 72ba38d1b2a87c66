using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.Storage;
using Xunit.Abstractions;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>
/// A ten-minute Sinch outage (every send answered 503) with a backlog on the real queue path (its own Azurite, the
/// queue function, a host simulator, the sandbox), compressed tenfold: the circuit's break and sampling window and the
/// outage re-check delay are a tenth of their defaults, so the outage lasts 60 s. Every message must go out once after
/// Sinch is back, none lost or parked, at the configured rate, and while Sinch is down the instance calls it about
/// once per break (the half-open probe), not once per waiting message.
/// </summary>
/// <remarks>
/// Times are reported, not asserted (a loaded machine stretches them); the counts are asserted. The compression is
/// bounded by the queue, which counts visibility in whole seconds: a 2 s re-check (±25 %) waits 2 or 3 s.
/// </remarks>
[Trait("Category", "Slow")]
public sealed class OutageRecoveryTests(ITestOutputHelper output)
{
    private const double Compression = 10;
    private const int Messages = 200;
    private const int SendsPerSecond = 100;
    private static readonly TimeSpan Outage = TimeSpan.FromMinutes(10) / Compression;
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(15) / Compression;

    [Fact]
    public async Task After_a_ten_minute_outage_the_backlog_goes_out_once_at_the_send_rate_and_sinch_is_probed_once_per_break()
    {
        // Disk-backed: the in-memory store's minutely clean-up pauses its queue for tens of seconds once thousands of
        // re-check copies have come and gone (real storage has no such pause), and it would land on the recovery.
        await using var azurite = await AzuriteProcess.StartAsync(persistent: true);
        await using var sinch = await SinchSandbox.StartAsync();
        const string queueName = "outage-recovery";
        var settings = SenderHost.SettingsFor(sinch, azurite.ConnectionString, queueName);
        settings["Sinch:CircuitBreakerBreakDuration"] = BreakDuration.ToString("c");
        settings["Sinch:CircuitBreakerSamplingDuration"] = (TimeSpan.FromSeconds(30) / Compression).ToString("c");
        settings["Sinch:MaxSendsPerSecond"] = SendsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["SendQueue:OutageRecheckDelay"] = (TimeSpan.FromSeconds(20) / Compression).ToString("c");
        await using var host = SenderHost.Create(settings);
        var producer = host.Get<StorageClientFactory>().CreateQueue(queueName);
        await producer.CreateIfNotExistsAsync();

        sinch.DefaultSendResponse = FakeResponse.Unavailable();
        var function = host.CreateFunction<SendMessageQueueFunction>();
        var simulator = new QueueHostSimulator(azurite.ConnectionString, queueName, (m, ct) => function.RunAsync(m, ct)) { BatchSize = 32 };
        var clock = Stopwatch.StartNew();
        var samples = new List<(TimeSpan At, int Calls, int Delivered)>();
        using var stopSampling = new CancellationTokenSource();
        var run = simulator.RunUntilDrainedAsync(Outage + TimeSpan.FromMinutes(2));
        var sampling = SampleAsync(sinch, clock, samples, stopSampling.Token);

        // The backlog builds during the outage, as callers keep queueing.
        for (var i = 0; i < Messages; i++)
        {
            await producer.SendMessageAsync($$"""{ "to": { "channel": "SMS", "identity": "+4670100{{i:D4}}" }, "text": "backlog {{i}}", "correlation_id": "backlog-{{i}}" }""");
        }

        await Task.Delay(Outage - clock.Elapsed);
        var callsDuringOutage = sinch.SendRequests.Count;
        var outageLasted = clock.Elapsed;
        sinch.DefaultSendResponse = null;
        var recovered = clock.Elapsed;
        var drained = await run;
        await stopSampling.CancelAsync();
        await sampling;

        var deliveries = sinch.Deliveries.Select(d => JsonNode.Parse(d)!["correlation_id"]!.GetValue<string>()).ToList();
        var failed = await CountAsync(azurite.ConnectionString, queueName + "-failed");
        var poisoned = await CountAsync(azurite.ConnectionString, queueName + "-poison");
        var lost = Enumerable.Range(0, Messages).Count(i => !deliveries.Contains($"backlog-{i}"));
        var duplicates = deliveries.Count - deliveries.Distinct().Count();
        var lastSend = samples.First(s => s.Delivered == deliveries.Count).At;

        // Calls once the circuit had opened: after the first sampling window, at most one probe per break (and one more
        // for a break under way at either end).
        var settled = TimeSpan.FromSeconds(30) / Compression * 2;
        var callsAtSettled = samples.First(s => s.At >= settled).Calls;
        var steadyCalls = callsDuringOutage - callsAtSettled;
        var probeBound = (int)Math.Ceiling((outageLasted - settled) / BreakDuration) + 2;
        var busiestSecond = samples.Max(s => s.Delivered - samples.Where(e => e.At <= s.At - TimeSpan.FromSeconds(1)).Select(e => e.Delivered).DefaultIfEmpty(0).Max());

        var virtualMinutes = (outageLasted - settled).TotalMinutes * Compression;
        output.WriteLine(new JsonObject
        {
            ["compression"] = Compression,
            ["messages"] = Messages,
            ["outage_virtual_seconds"] = Math.Round(outageLasted.TotalSeconds * Compression),
            ["delivered"] = deliveries.Distinct().Count(),
            ["lost"] = lost,
            ["duplicates"] = duplicates,
            ["dead_lettered"] = failed,
            ["poisoned"] = poisoned,
            ["sinch_calls_during_outage"] = callsDuringOutage,
            ["sinch_calls_before_circuit_settled"] = callsAtSettled,
            ["sinch_calls_per_virtual_minute_once_open"] = Math.Round(steadyCalls / virtualMinutes, 1),
            ["probe_bound"] = probeBound,
            ["recovery_to_last_send_real_seconds"] = Math.Round((lastSend - recovered).TotalSeconds, 2),
            ["recovery_to_last_send_virtual_seconds"] = Math.Round((lastSend - recovered).TotalSeconds * Compression, 1),
            ["busiest_second_deliveries"] = busiestSecond,
            ["configured_sends_per_second"] = SendsPerSecond,
        }.ToJsonString());

        Assert.True(drained, "the queue did not drain");
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicates);
        Assert.Equal(0, failed);
        Assert.Equal(0, poisoned);
        Assert.Empty(simulator.UnexpectedFailures);
        Assert.InRange(steadyCalls, 0, probeBound);

        // No herd: the token bucket allows one second's worth at once, then the rate.
        Assert.InRange(busiestSecond, 0, 2 * SendsPerSecond);
    }

    private static async Task SampleAsync(SinchSandbox sinch, Stopwatch clock, List<(TimeSpan, int, int)> samples, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            samples.Add((clock.Elapsed, sinch.SendRequests.Count, sinch.Deliveries.Count));
            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        samples.Add((clock.Elapsed, sinch.SendRequests.Count, sinch.Deliveries.Count));
    }

    private static async Task<int> CountAsync(string connectionString, string queueName)
    {
        var queue = new QueueClient(connectionString, queueName);
        return await queue.ExistsAsync() ? (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
    }
}
