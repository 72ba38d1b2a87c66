using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ConversationSender.RateLimiting;
using ConversationSender.Sandbox;
using ConversationSender.Sending;
using ConversationSender.Storage;
using ConversationSender.Testing;

namespace ConversationSender.LoadHarness;

/// <summary>
/// Issue 36's numbers, measured on this machine with the real parts (Azurite for the queue and the leases, the
/// sandbox on Kestrel, the app's own services): the fleet budget against the static share it replaced.
/// <list type="number">
/// <item>Three queue instances and one HTTP instance drain a backlog against the sandbox holding Sinch's project limit
/// at N/s (<c>global_rate_limit</c>), while a caller sends one HTTP message every 200 ms.</item>
/// <item>One instance alone with the template's defaults (budget 750, 40 max instances, 2 groups) drains a backlog
/// against the sandbox without a limit.</item>
/// </list>
/// </summary>
internal static partial class FleetDrain
{
    private const string ProjectId = "fleet-project";
    private const string AppId = "01FLEETAPP0000000000000001";

    public static async Task<string> RunAsync(string azurite, int count, int limit)
    {
        var report = new StringBuilder();
        report.AppendLine(GeneratedDocSection.MachineLine());
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"**Three queue instances + one HTTP instance, {count} queued messages, the sandbox's `global_rate_limit` N = {limit}/s**; meanwhile a caller sends one HTTP message every 200 ms through the HTTP instance. Bound: 1.15 × {count} ÷ N + 20 = {(1.15 * count / limit) + 20:F1} s. *Static share* = the before: each instance at budget ÷ max instances = {limit} ÷ 3 (the old template's `MaxSendsPerSecond`, no leases); *fleet budget* = leases + CUBIC.");
        report.AppendLine();
        report.AppendLine("| budget | drained in (s) | msg/s | each message sent once | attempts | 429s ÷ attempts | busiest second ÷ N | HTTP sends | HTTP p50 / p99 / max (ms) | HTTP not sent |");
        report.AppendLine("|---|---:|---:|---|---:|---:|---:|---:|---|---:|");
        foreach (var fleet in new[] { false, true })
        {
            report.AppendLine(await LimitedAsync(azurite, count, limit, fleet));
        }

        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"**One instance alone, the template's defaults (budget 750, `maximumInstanceCount` 40, 2 sending groups), {count} queued messages, no limit at Sinch.** Static share = 750 ÷ 40 ÷ 2 = 9.375/s (the fallback, what an instance sends at without the leases); fleet budget = the leases (alone it holds 95 of 100 partitions: 712.5/s).");
        report.AppendLine();
        report.AppendLine("| budget | drained in (s) | msg/s | each message sent once | rate at the end (/s) |");
        report.AppendLine("|---|---:|---:|---|---:|");
        foreach (var fleet in new[] { false, true })
        {
            report.AppendLine(await AloneAsync(azurite, count, fleet));
        }

        return report.ToString();
    }

    private static async Task<string> LimitedAsync(string azurite, int count, int limit, bool fleet)
    {
        await using var sinch = await StartSandboxAsync();
        sinch.RateLimit = new GlobalRateLimit(limit, TimeProvider.System);
        var (settings, queueName) = Settings(sinch, azurite);
        settings["Sinch:RequestsPerSecondBudget"] = limit.ToString(CultureInfo.InvariantCulture);
        settings["Sinch:RateBudgetMaxInstances"] = "3";
        settings["Sinch:RateBudgetSendingGroups"] = fleet ? "2" : "1";
        var queueHosts = Enumerable.Range(0, 3).Select(_ => new FleetHost(settings, fleet)).ToArray();
        await using var httpHost = new FleetHost(settings, fleet);
        try
        {
            await EnqueueAsync(queueHosts[0], queueName, count);

            // The caller's first send (token, connections, JIT) is start-up, not waiting behind the backlog.
            await httpHost.Get<SendService>().SendAsync(BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "warm-up" }"""), CancellationToken.None);
            using var callerStop = new CancellationTokenSource();
            var caller = CallerAsync(httpHost.Get<SendService>(), callerStop.Token);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(queueHosts.Select(h => h.DrainAsync(azurite, queueName, TimeSpan.FromMinutes(5))));
            var drained = clock.Elapsed.TotalSeconds;
            await callerStop.CancelAsync();
            var (latencies, notSent) = await caller;

            var seconds = sinch.RateLimit.Seconds.Values.ToList();
            var attempts = seconds.Sum(s => s.Seen);
            var refused = seconds.Sum(s => s.Refused);
            var sentOnce = SentOnce(sinch, count);
            latencies.Sort();
            var row = string.Create(CultureInfo.InvariantCulture,
                $"| {(fleet ? "fleet budget" : "static share")} | {drained:F1} | {count / drained:F0} | {sentOnce} | {attempts} | {100.0 * refused / attempts:F2} % | {seconds.Max(s => s.Seen) / (double)limit:F2} | {latencies.Count} | {Percentile(latencies, 0.5):F0} / {Percentile(latencies, 0.99):F0} / {latencies[^1]:F0} | {notSent} |");
            Console.WriteLine(row);
            return row;
        }
        finally
        {
            foreach (var host in queueHosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static async Task<string> AloneAsync(string azurite, int count, bool fleet)
    {
        await using var sinch = await StartSandboxAsync();
        var (settings, queueName) = Settings(sinch, azurite);

        // The template's defaults: Sinch__RequestsPerSecondBudget 750, Sinch__RateBudgetMaxInstances 40, 2 groups.
        settings.Remove("Sinch:RateBudgetMaxInstances");
        settings.Remove("Sinch:RateBudgetSendingGroups");
        await using var host = new FleetHost(settings, fleet);
        await EnqueueAsync(host, queueName, count);
        var clock = Stopwatch.StartNew();
        await host.DrainAsync(azurite, queueName, TimeSpan.FromMinutes(10));
        var drained = clock.Elapsed.TotalSeconds;
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| {(fleet ? "fleet budget" : "static share")} | {drained:F1} | {count / drained:F1} | {SentOnce(sinch, count)} | {host.Get<SendBudget>().Ceiling:F1} |");
        Console.WriteLine(row);
        return row;
    }

    private static Task<SinchSandbox> StartSandboxAsync() => SinchSandbox.StartAsync(configure: o =>
    {
        o.MaxCaptured = 100;
        o.ProjectId = ProjectId;
        o.AppId = AppId;
    });

    private static (Dictionary<string, string?> Settings, string QueueName) Settings(SinchSandbox sinch, string azurite)
    {
        var queueName = "fleet-" + Guid.NewGuid().ToString("N")[..10];
        var settings = SenderSettings.PointingAt(sinch.BaseUrl, ProjectId, AppId, SinchSandbox.DefaultKeyId, sinch.KeySecret);
        settings["SendQueueStorage"] = azurite;
        settings["SendQueueName"] = queueName;
        settings["Sinch:RateBudgetContainer"] = queueName;
        settings["Webhooks:RecordStatus"] = "false";
        return (settings, queueName);
    }

    private static async Task EnqueueAsync(FleetHost host, string queueName, int count)
    {
        var producer = host.Get<StorageClientFactory>().CreateQueue(queueName);
        await producer.CreateIfNotExistsAsync();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await producer.SendMessageAsync($$"""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "fleet message {{i:D5}}" }""", ct));
    }

    /// <summary>A caller waiting on a one-time code: one HTTP send every 200 ms, each timed from call to outcome.</summary>
    private static async Task<(List<double> Latencies, int NotSent)> CallerAsync(SendService send, CancellationToken stop)
    {
        var latencies = new List<double>();
        var notSent = 0;
        var body = BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""");
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = await send.SendAsync(body, CancellationToken.None);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            notSent += outcome is SendOutcome.Accepted ? 0 : 1;
            try
            {
                await timer.WaitForNextTickAsync(stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (latencies, notSent);
    }

    private static string SentOnce(SinchSandbox sinch, int count)
    {
        var sent = sinch.Deliveries.Select(d => MessageNumber().Match(d)).Where(m => m.Success).GroupBy(m => m.Value).ToDictionary(g => g.Key, g => g.Count());
        var twice = sent.Values.Count(n => n > 1);
        return sent.Count == count && twice == 0 ? "yes" : $"no: {sent.Count} of {count} sent, {twice} more than once";
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    [GeneratedRegex("fleet message [0-9]{5}")]
    private static partial Regex MessageNumber();
}
