using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConversationSender.Functions;
using ConversationSender.Storage;
using ConversationSender.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>
/// The traffic of <see cref="FaultInjectionRunTests"/> with Sinch's message list down for the whole run:
/// reconciliation is unavailable, so no message whose send was ambiguous may be sent again, and every one of them is
/// parked as <c>unconfirmed</c> with its reason; everything else is delivered once.
/// </summary>
[Collection(FaultInjectionCollection.Name)]
[Trait("Category", "Slow")]
public sealed class UnreconciledFaultInjectionRunTests(ITestOutputHelper output) : FaultRunTest
{
    // The run with reconciliation unavailable: a quarter of the main run's size is enough to see every ambiguous kind.
    private static readonly int UnreconciledMessageCount = MessageCount / 4;

    [Fact]
    public async Task With_the_message_list_unavailable_no_ambiguous_message_is_resent_and_each_is_parked_unconfirmed()
    {
        var clock = Stopwatch.StartNew();
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var sinch = await SinchSandbox.StartAsync();
        await using var vault = await FakeKeyVaultServer.StartAsync();
        SinchSecrets.Store(vault, sinch, "fault-project", "01FAULTAPP0000000000000001");
        sinch.SlowDelay = TimeSpan.FromSeconds(5);
        sinch.FailListing(int.MaxValue);
        sinch.FaultPlan = RandomFaults(
            815,
            (0.03, SinchFault.RateLimitedWithRetryAfter),
            (0.06, SinchFault.Unavailable),
            (0.09, SinchFault.ServerErrorAfterProcessing),
            (0.10, SinchFault.SlowAfterProcessing),
            (0.13, SinchFault.DropBeforeProcessing),
            (0.16, SinchFault.DropAfterProcessing));

        const string queueName = "fault-run-unreconciled";
        await using var host = SenderHost.CreateWithKeyVault(sinch, vault, settings => ConfigureForFaultRun(settings, azurite.ConnectionString, queueName));
        var producer = host.Get<StorageClientFactory>().CreateQueue(queueName);
        await producer.CreateIfNotExistsAsync();
        var ids = Enumerable.Range(0, UnreconciledMessageCount).Select(i => $"fault-{i:D5}").Where(id => !IsInvalid(id) && ReusePairOf(id) is null).ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) =>
            await producer.SendMessageAsync(MessageFor(int.Parse(id[6..], System.Globalization.CultureInfo.InvariantCulture)), ct));
        var function = host.CreateFunction<SendMessageQueueFunction>();
        var crashes = 0;
        var simulator = new QueueHostSimulator(azurite.ConnectionString, queueName, m => function.RunAsync(m, CancellationToken.None))
        {
            VisibilityTimeout = TimeSpan.FromMilliseconds(300),
            Lease = TimeSpan.FromSeconds(30),
            CrashAfterSuccess = 0.03,
            OnCrashAfterSuccess = _ => Interlocked.Increment(ref crashes),
        };
        var drained = await simulator.RunUntilDrainedAsync(TimeSpan.FromMinutes(2));

        // Ambiguous, as the product sees it: an error after Sinch processed it, a stall past the attempt timeout, or a
        // dropped connection after the body was written (whether or not Sinch had taken it).
        var ambiguousKinds = new[] { SinchFault.ServerErrorAfterProcessing, SinchFault.SlowAfterProcessing, SinchFault.DropBeforeProcessing, SinchFault.DropAfterProcessing };
        var histories = sinch.SendHistory.GroupBy(h => CorrelationOf(h.Body)).ToDictionary(g => g.Key, g => g.ToList());
        var ambiguousIds = histories.Where(h => h.Value.Any(s => ambiguousKinds.Contains(s.Fault))).Select(h => h.Key).ToHashSet();
        var resent = histories.Where(h => ambiguousIds.Contains(h.Key)).Sum(h => h.Value.Count - 1 - h.Value.FindIndex(s => ambiguousKinds.Contains(s.Fault)));
        var deliveries = sinch.Deliveries.GroupBy(CorrelationOf).ToDictionary(g => g.Key, g => g.Count());
        var deadLetters = (await ReadAllAsync(azurite.ConnectionString, queueName + "-failed", decodeBase64: true)).Select(e => JsonNode.Parse(e)!)
            .GroupBy(e => CorrelationOf(e["original_message"]!.GetValue<string>())).ToDictionary(g => g.Key, g => g.First());
        var poisoned = (await ReadAllAsync(azurite.ConnectionString, queueName + "-poison", decodeBase64: true)).Select(CorrelationOf).ToHashSet();
        var lost = ids.Where(id => !deliveries.ContainsKey(id) && !deadLetters.ContainsKey(id) && !poisoned.Contains(id)).ToList();
        var parkedUnconfirmed = deadLetters.Where(d => d.Value["outcome"]?.GetValue<string>() == "unconfirmed").Select(d => d.Key).ToHashSet();
        var report = new JsonObject
        {
            ["messages"] = ids.Count,
            ["run_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
            ["drained"] = drained,
            ["faults"] = new JsonObject([.. sinch.InjectedFaults.OrderBy(f => f.Key.ToString()).Select(f => KeyValuePair.Create(f.Key.ToString(), (JsonNode?)f.Value))]),
            ["host_crashes_after_success"] = crashes,
            ["list_requests_refused"] = sinch.ListRequests.Count,
            ["delivered"] = deliveries.Count,
            ["ambiguous_messages"] = ambiguousIds.Count,
            ["of_them_taken_by_sinch"] = ambiguousIds.Count(deliveries.ContainsKey),
            ["resent_after_ambiguous"] = resent,
            ["parked_unconfirmed"] = parkedUnconfirmed.Count,
            ["parked_otherwise"] = deadLetters.Count - parkedUnconfirmed.Count + poisoned.Count,
            ["lost"] = lost.Count,
            ["duplicates"] = deliveries.Values.Sum(n => n - 1),
        };
        output.WriteLine(report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (Environment.GetEnvironmentVariable("FAULT_RUN_UPDATE_DOCS") == "1")
        {
            GeneratedDocSection.Replace(RepositoryRoot.File("docs", "reliability.md"), "fault-run-unreconciled", $"""
                {GeneratedDocSection.MachineLine()}

                | messages | delivered | ambiguous (of them taken by Sinch) | resent after an ambiguous send | parked `unconfirmed` | parked otherwise | lost | duplicates |
                | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
                | {ids.Count} | {deliveries.Count} | {ambiguousIds.Count} ({report["of_them_taken_by_sinch"]}) | {resent} | {parkedUnconfirmed.Count} | {report["parked_otherwise"]} | {lost.Count} | {report["duplicates"]} |

                ```json
                {report.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}
                ```
                """);
        }

        Assert.True(drained, "the queue did not drain in time");
        Assert.True(ambiguousIds.Count > 30, $"only {ambiguousIds.Count} ambiguous messages: too few to show anything");
        Assert.Contains(ambiguousIds, deliveries.ContainsKey);
        Assert.Contains(ambiguousIds, id => !deliveries.ContainsKey(id));
        Assert.Equal(0, resent);
        Assert.Equal(ambiguousIds.Order(StringComparer.Ordinal), parkedUnconfirmed.Order(StringComparer.Ordinal));
        Expect.All(parkedUnconfirmed, id => Assert.Contains("cannot be searched", deadLetters[id]["reason"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal(parkedUnconfirmed.Order(StringComparer.Ordinal), deadLetters.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(poisoned);
        Assert.Empty(lost);
        Assert.Equal(0, deliveries.Values.Sum(n => n - 1));
        Expect.All(ids.Where(id => !ambiguousIds.Contains(id)), id => Assert.Equal(1, deliveries.GetValueOrDefault(id)));
        Assert.Empty(simulator.UnexpectedFailures);
        Assert.Empty(sinch.RefusedRequests);
    }
}
