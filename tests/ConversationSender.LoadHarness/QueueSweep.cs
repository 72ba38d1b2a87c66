using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ConversationSender.Functions;
using ConversationSender.RateLimiting;
using ConversationSender.Sandbox;
using ConversationSender.Storage;
using ConversationSender.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ConversationSender.LoadHarness;

/// <summary>
/// The queue trigger's <c>batchSize</c> / <c>newBatchThreshold</c> swept against Azurite and a sandbox that answers
/// after a Sinch-like latency. A listener like the host's receives up to batchSize messages, runs them at once through
/// the queue function, and receives again when no more than newBatchThreshold are still running; so at most
/// batchSize + newBatchThreshold run per instance. Reports msg/s and the p99 of receive → deleted per message, the
/// process's CPU time per message and its working set: what one instance can do, and what it costs.
/// </summary>
internal static class QueueSweep
{
    private static readonly (int BatchSize, int Threshold)[] Settings = [(1, 0), (4, 2), (8, 4), (16, 8), (32, 16)];
    private static readonly TimeSpan[] Latencies = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)];

    public static async Task<string> RunAsync(string azuriteConnectionString)
    {
        await using var sandbox = await SinchSandbox.StartAsync(configure: o =>
        {
            o.MaxCaptured = 100;
            o.ProjectId = "sweep-project";
            o.AppId = "01SWEEPAPP0000000000000001";
        });
        // Unmeasured: the JIT's background recompilation of the hot path would otherwise bill the first setting's CPU.
        sandbox.DefaultSendResponse = FakeResponse.Slow(Latencies[0]);
        await RunOneAsync(sandbox, azuriteConnectionString, 16, 8, 300, budget: 100_000);

        var rows = new List<string>();
        var limited = "";
        var budgetWaits = "";
        foreach (var latency in Latencies)
        {
            sandbox.DefaultSendResponse = FakeResponse.Slow(latency);
            foreach (var (batchSize, threshold) in Settings)
            {
                var messages = Math.Clamp(25 * (batchSize + threshold), 60, 1000);
                var run = await RunOneAsync(sandbox, azuriteConnectionString, batchSize, threshold, messages, budget: 100_000);
                rows.Add(Row(latency, batchSize, threshold, "off", run));
                Console.WriteLine(rows[^1]);
                if (latency == Latencies[^1] && (batchSize, threshold) == (16, 8))
                {
                    // The product's default budget, the instance alone, right after its unlimited twin (Azurite grows
                    // with every run, so rows far apart in time differ for that alone): its lease loop takes the
                    // fleet's partitions as on Azure.
                    var defaults = await RunOneAsync(sandbox, azuriteConnectionString, 16, 8, 600, budget: 750);
                    limited = Row(latency, 16, 8, "750/s (default budget, alone)", defaults);
                    Console.WriteLine(limited);
                    budgetWaits = string.Create(CultureInfo.InvariantCulture,
                        $"In the last row (run right after the 300 ms 16 + 8 row above) the instance started at the static share ({StaticShare(750):F1}/s: 750 ÷ 40 instances ÷ 2 groups); its lease loop then held {defaults.Budget.Held} partitions ({defaults.Budget.Rate:F1}/s), {defaults.Budget.HeldFrom:F1} s into the run (the warm-up send made the instance busy before the run began). At most {defaults.Budget.MostWaiting} sends waited for the budget at once.");
                }
            }
        }

        var report = new StringBuilder();
        report.AppendLine(GeneratedDocSection.MachineLine());
        report.AppendLine();
        report.AppendLine("One process (one instance) draining Azurite through the queue function with the product's defaults (idempotency claim and completion in table storage); the sandbox answers each send after the latency shown. CPU time is the whole process's (the product, the Azure SDK clients and the in-process sandbox) divided by the messages; working set at the end of the run.");
        report.AppendLine();
        report.AppendLine("| Sinch latency | batchSize | newBatchThreshold | in flight (max) | rate limit | msg/s | p50 ms | p99 ms | CPU ms/msg | working set MB |");
        report.AppendLine("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            report.AppendLine(row);
        }

        report.AppendLine(limited);
        report.AppendLine();
        report.AppendLine(budgetWaits);
        return report.ToString();
    }

    private static string Row(TimeSpan latency, int batchSize, int threshold, string limit, SweepResult run) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {latency.TotalMilliseconds:F0} ms | {batchSize} | {threshold} | {batchSize + threshold} | {limit} | {run.PerSecond:F0} | {run.P50:F0} | {run.P99:F0} | {run.CpuMsPerMessage:F2} | {run.WorkingSetMb:F0} |");

    private static async Task<SweepResult> RunOneAsync(SinchSandbox sandbox, string connectionString, int batchSize, int threshold, int count, double budget)
    {
        var queueName = "sweep-" + Guid.NewGuid().ToString("N")[..10];
        var settings = SenderSettings.PointingAt(sandbox.BaseUrl, "sweep-project", "01SWEEPAPP0000000000000001", sandbox.Options.KeyId, sandbox.KeySecret);
        settings["Sinch:RequestsPerSecondBudget"] = budget.ToString(CultureInfo.InvariantCulture);
        settings["SendQueueStorage"] = connectionString;
        settings["SendQueueName"] = queueName;
        settings["Sinch:RateBudgetContainer"] = queueName; // each run's leases its own: no partitions held by an earlier run
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using var provider = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TokenCredential>(new FakeTokenCredential()).AddSenderServices(configuration).BuildServiceProvider();

        var producer = provider.GetRequiredService<StorageClientFactory>().CreateQueue(queueName);
        await producer.CreateIfNotExistsAsync();
        var body = BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""");
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) => await producer.SendMessageAsync(body, cancellationToken: ct));

        // As the Functions host runs them beside the trigger: the warm-up and the fleet budget's lease loop.
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var function = ActivatorUtilities.CreateInstance<SendMessageQueueFunction>(provider);
        var raw = new QueueClient(connectionString, queueName);

        // One send first: tables created, token fetched, code jitted, as on an instance that has been running.
        await function.RunAsync(QueuesModelFactory.QueueMessage("warm", "warm", body, 1), CancellationToken.None);

        var latencies = new ConcurrentBag<double>();
        var inFlight = 0;
        var done = 0;
        using var finished = new SemaphoreSlim(0);
        var running = new List<Task>();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var sendBudget = provider.GetRequiredService<SendBudget>();
        var share = provider.GetRequiredService<FleetShare>();
        double? heldFrom = null;
        var mostWaiting = 0;
        while (Volatile.Read(ref done) < count)
        {
            heldFrom ??= sendBudget.Ceiling > StaticShare(budget) ? clock.Elapsed.TotalSeconds : null;
            mostWaiting = Math.Max(mostWaiting, sendBudget.Waiting);

            while (Volatile.Read(ref inFlight) > threshold)
            {
                await finished.WaitAsync();
            }

            QueueMessage[] batch = (await raw.ReceiveMessagesAsync(batchSize, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0)
            {
                await Task.Delay(5);
                continue;
            }

            foreach (var message in batch)
            {
                Interlocked.Increment(ref inFlight);
                running.Add(Task.Run(async () =>
                {
                    var started = Stopwatch.GetTimestamp();
                    var decoded = BinaryData.FromBytes(Convert.FromBase64String(message.Body.ToString()));
                    await function.RunAsync(QueuesModelFactory.QueueMessage(message.MessageId, message.PopReceipt, decoded, message.DequeueCount, message.NextVisibleOn, message.InsertedOn, message.ExpiresOn), CancellationToken.None);
                    await raw.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Decrement(ref inFlight);
                    Interlocked.Increment(ref done);
                    finished.Release();
                }));
            }
        }

        await Task.WhenAll(running);
        clock.Stop();
        var seen = new BudgetSeen(share.Held, sendBudget.Ceiling, heldFrom ?? double.NaN, mostWaiting); // before the leases go back
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None); // gives the leases back
        }

        var sorted = latencies.Order().ToArray();
        return new SweepResult(
            count / clock.Elapsed.TotalSeconds,
            LoadRunner.Percentile(sorted, 0.5),
            LoadRunner.Percentile(sorted, 0.99),
            cpu.TotalMilliseconds / count,
            Process.GetCurrentProcess().WorkingSet64 / 1024.0 / 1024.0,
            seen);
    }

    private static double StaticShare(double budget) => new RateBudgetOptions { RequestsPerSecondBudget = budget }.StaticShare;

    private sealed record SweepResult(double PerSecond, double P50, double P99, double CpuMsPerMessage, double WorkingSetMb, BudgetSeen Budget);

    /// <summary>The fleet budget as the run saw it: partitions held at the end, the rate, when it first passed the static share, the most sends waiting.</summary>
    private sealed record BudgetSeen(int Held, double Rate, double HeldFrom, int MostWaiting);
}
