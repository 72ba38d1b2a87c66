using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ConversationSender.Functions;
using ConversationSender.Sandbox;
using ConversationSender.Storage;
using ConversationSender.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.LoadHarness;

/// <summary>
/// A Sinch outage in real time with the product's default settings: a backlog is queued while the sandbox answers
/// every send 503, then Sinch comes back. A listener like the host's (batchSize 32, newBatchThreshold 16, polling
/// backing off to 5 s as host.json's maxPollingInterval) runs the queue function on Azurite. Reports what became of
/// each message, Sinch's calls per minute of the outage, the time from recovery to the last send and the busiest second.
/// </summary>
internal static class OutageRun
{
    private const int BatchSize = 32;
    private const int NewBatchThreshold = 16;
    private static readonly TimeSpan MaxPollingInterval = TimeSpan.FromSeconds(5);

    public static async Task<string> RunAsync(TimeSpan outage, IReadOnlyList<int> backlogs)
    {
        var report = new StringBuilder();
        report.AppendLine(GeneratedDocSection.MachineLine());
        report.AppendLine();
        report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Sinch answers every send 503 for {outage.TotalMinutes:F0} min, the backlog queued at its start; default settings (`SendQueue__OutageRecheckDelay` 20 s, `Sinch__CircuitBreakerBreakDuration` 15 s, `Sinch__MaxSendsPerSecond` 50), one instance."));
        report.AppendLine();
        report.AppendLine("| backlog | delivered | lost | duplicates | parked | Sinch calls per minute of the outage | recovery → last send | busiest second (sends) |");
        report.AppendLine("|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var backlog in backlogs)
        {
            var row = await RunOneAsync(outage, backlog);
            Console.WriteLine(row);
            report.AppendLine(row);
        }

        return report.ToString();
    }

    private static async Task<string> RunOneAsync(TimeSpan outage, int count)
    {
        // Disk-backed, as the fault run: the in-memory store pauses for tens of seconds in its minutely clean-up once
        // thousands of re-check copies have come and gone, which real storage does not.
        await using var azurite = await AzuriteProcess.StartAsync(persistent: true);
        await using var sandbox = await SinchSandbox.StartAsync(configure: o =>
        {
            o.MaxCaptured = 100_000;
            o.ProjectId = "outage-project";
            o.AppId = "01OUTAGEAPP000000000000001";
        });
        const string queueName = "outage-run";
        var settings = SenderSettings.PointingAt(sandbox.BaseUrl, "outage-project", "01OUTAGEAPP000000000000001", sandbox.Options.KeyId, sandbox.KeySecret);
        settings["SendQueueStorage"] = azurite.ConnectionString;
        settings["SendQueueName"] = queueName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using var provider = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TokenCredential>(new FakeTokenCredential()).AddSenderServices(configuration).BuildServiceProvider();
        var producer = provider.GetRequiredService<StorageClientFactory>().CreateQueue(queueName);
        await producer.CreateIfNotExistsAsync();
        var function = ActivatorUtilities.CreateInstance<SendMessageQueueFunction>(provider);

        sandbox.DefaultSendResponse = FakeResponse.Unavailable();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await producer.SendMessageAsync(string.Create(CultureInfo.InvariantCulture, $$"""{ "to": { "channel": "SMS", "identity": "+4670200{{i:D4}}" }, "text": "outage {{i}}", "correlation_id": "outage-{{i}}" }"""), ct));

        using var stop = new CancellationTokenSource();
        var listening = ListenAsync(new QueueClient(azurite.ConnectionString, queueName), function, stop.Token);
        var callsPerMinute = new List<int>();
        var callsBefore = 0;
        for (var minute = 1; minute <= Math.Ceiling(outage.TotalMinutes); minute++)
        {
            await Task.Delay(TimeSpan.FromMinutes(Math.Min(minute, outage.TotalMinutes)) - clock.Elapsed);
            var calls = sandbox.SendRequests.Count;
            callsPerMinute.Add(calls - callsBefore);
            callsBefore = calls;
        }

        sandbox.DefaultSendResponse = null;
        var recovered = clock.Elapsed;
        var deliveries = new ConcurrentDictionary<TimeSpan, int>();
        var lastSend = recovered;
        var seen = 0;
        while (clock.Elapsed - recovered < TimeSpan.FromMinutes(5) && seen < count)
        {
            await Task.Delay(100);
            var now = sandbox.Deliveries.Count;
            if (now > seen)
            {
                deliveries[clock.Elapsed] = now;
                seen = now;
                lastSend = clock.Elapsed;
            }
        }

        // A little longer: a duplicate would show up after the last expected send.
        await Task.Delay(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await listening;

        var sent = sandbox.Deliveries.Select(d => JsonNode.Parse(d)!["correlation_id"]!.GetValue<string>()).ToList();
        var lost = Enumerable.Range(0, count).Count(i => !sent.Contains($"outage-{i}"));
        var duplicates = sent.Count - sent.Distinct().Count();
        var failed = new QueueClient(azurite.ConnectionString, queueName + "-failed");
        var parked = await failed.ExistsAsync() ? (await failed.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
        var points = deliveries.OrderBy(p => p.Key).ToList();
        var busiest = points.Select(p => p.Value - points.Where(e => e.Key <= p.Key - TimeSpan.FromSeconds(1)).Select(e => e.Value).DefaultIfEmpty(0).Max()).DefaultIfEmpty(0).Max();
        return string.Create(CultureInfo.InvariantCulture,
            $"| {count} | {sent.Distinct().Count()} | {lost} | {duplicates} | {parked} | {string.Join(", ", callsPerMinute)} | {(lastSend - recovered).TotalSeconds:F1} s | {busiest} |");
    }

    // The host's listener, as far as pacing goes: a batch when few enough run, polling backing off while the queue is empty.
    private static async Task ListenAsync(QueueClient queue, SendMessageQueueFunction function, CancellationToken stop)
    {
        var running = new ConcurrentDictionary<Task, byte>();
        var idle = TimeSpan.FromMilliseconds(100);
        while (!stop.IsCancellationRequested)
        {
            if (running.Count > NewBatchThreshold)
            {
                await Task.WhenAny(running.Keys.Append(Task.Delay(100, CancellationToken.None)));
                continue;
            }

            QueueMessage[] batch;
            try
            {
                batch = (await queue.ReceiveMessagesAsync(BatchSize, TimeSpan.FromMinutes(5), stop)).Value;
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (batch.Length == 0)
            {
                await Task.Delay(idle, CancellationToken.None);
                idle = idle * 2 > MaxPollingInterval ? MaxPollingInterval : idle * 2;
                continue;
            }

            idle = TimeSpan.FromMilliseconds(100);
            foreach (var message in batch)
            {
                var task = RunAsync(queue, function, message);
                running[task] = 0;
                _ = task.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
            }
        }

        await Task.WhenAll(running.Keys);
    }

    private static async Task RunAsync(QueueClient queue, SendMessageQueueFunction function, QueueMessage message)
    {
        var decoded = BinaryData.FromBytes(Convert.FromBase64String(message.Body.ToString()));
        try
        {
            await function.RunAsync(QueuesModelFactory.QueueMessage(message.MessageId, message.PopReceipt, decoded, message.DequeueCount, message.NextVisibleOn, message.InsertedOn, message.ExpiresOn), CancellationToken.None);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
        catch (MessageNotSentException)
        {
            // As the host: visible again after its visibilityTimeout (host.json: 30 s).
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.FromSeconds(30));
        }
    }
}
