using System.Diagnostics;
using System.Text.RegularExpressions;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.RateLimiting;
using ConversationSender.Sandbox;
using ConversationSender.Storage;
using Xunit.Abstractions;

namespace ConversationSender.IntegrationTests.RateLimiting;

/// <summary>
/// Issue 36's real test: three sender hosts in this process, sharing Azurite (queue and leases), drain a backlog
/// against the sandbox holding Sinch's project limit at N/s (429 above it); one host stops mid-run without giving its
/// partitions back. Each message is sent once, no second goes above 1.05 × N, 429s stay within 2 % of attempts, and
/// the drain takes at most 1.15 × count ÷ N + 20 s.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class FleetDrainTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Limit = 100;
    private const int Count = 600;

    [Fact]
    public async Task Three_hosts_drain_a_backlog_at_the_project_limit_and_one_leaving_without_clean_up_costs_no_message()
    {
        await using var sinch = await SinchSandbox.StartAsync();
        sinch.RateLimit = new GlobalRateLimit(Limit, TimeProvider.System);
        var queueName = "fleet-" + Guid.NewGuid().ToString("N")[..10];
        var settings = SenderHost.SettingsFor(sinch, azurite.ConnectionString, queueName);
        settings["Sinch:RequestsPerSecondBudget"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Sinch:RateBudgetContainer"] = "fleet-" + Guid.NewGuid().ToString("N")[..10];
        settings["Sinch:RateBudgetMaxInstances"] = "3";
        settings["Webhooks:RecordStatus"] = "false";
        var hosts = new[] { SenderHost.Create(settings), SenderHost.Create(settings), SenderHost.Create(settings) };
        var loops = hosts.Select(_ => new CancellationTokenSource()).ToArray();
        try
        {
            var producer = hosts[0].Get<StorageClientFactory>().CreateQueue(queueName);
            await producer.CreateIfNotExistsAsync();
            await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                await producer.SendMessageAsync($$"""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "fleet message {{i:D4}}" }""", ct));

            // Each host's rebalance loop, as FleetShareService runs it; cancelling one is a crash: nothing given back.
            var rebalancing = hosts.Select((h, i) => RebalanceAsync(h.Get<FleetShare>(), loops[i].Token)).ToArray();
            var clock = Stopwatch.StartNew();
            var survivors = hosts[..2].Select(h => Drain(h, queueName, TimeSpan.FromMinutes(2))).ToArray();
            var leaving = Drain(hosts[2], queueName, TimeSpan.FromSeconds(3));
            await leaving;
            await loops[2].CancelAsync();
            Assert.All(await Task.WhenAll(survivors), Assert.True);
            var drainSeconds = clock.Elapsed.TotalSeconds;

            var sent = sinch.Deliveries.Select(d => MessageNumber().Match(d).Value).GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
            var seconds = sinch.RateLimit.Seconds.Values.ToList();
            var attempts = seconds.Sum(s => s.Seen);
            var refused = seconds.Sum(s => s.Refused);
            output.WriteLine($"drained {Count} in {drainSeconds:F1} s; attempts {attempts}, 429s {refused}; busiest second {seconds.Max(s => s.Seen)}; rates {string.Join(", ", hosts.Select(h => h.Get<SendBudget>().Ceiling.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");

            Assert.Equal(Count, sent.Count);
            Assert.All(sent.Values, n => Assert.Equal(1, n));
            Assert.All(seconds, s => Assert.True(s.Seen <= Limit * 1.05, $"{s.Seen} requests in one second"));
            Assert.True(refused <= attempts * 0.02, $"{refused} of {attempts} attempts answered 429");
            Assert.True(drainSeconds <= (1.15 * Count / Limit) + 20, $"drained in {drainSeconds:F1} s");
        }
        finally
        {
            foreach (var loop in loops)
            {
                await loop.CancelAsync();
                loop.Dispose();
            }

            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static Task<bool> Drain(SenderHost host, string queueName, TimeSpan deadline)
    {
        var function = host.CreateFunction<SendMessageQueueFunction>();
        return new QueueHostSimulator(host.Get<Microsoft.Extensions.Configuration.IConfiguration>()["SendQueueStorage"]!, queueName, (m, ct) => function.RunAsync(m, ct)) { BatchSize = 16 }
            .RunUntilDrainedAsync(deadline);
    }

    private static async Task RebalanceAsync(FleetShare share, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(new RateBudgetOptions().RateBudgetRebalanceInterval);
        try
        {
            do
            {
                await share.RebalanceAsync(cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Stopped: as a crash, nothing is given back.
        }
    }

    [GeneratedRegex("fleet message [0-9]{4}")]
    private static partial Regex MessageNumber();
}
