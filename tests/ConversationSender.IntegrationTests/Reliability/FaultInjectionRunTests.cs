using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConversationSender.Functions;
using ConversationSender.Storage;
using ConversationSender.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>
/// 2,000 queued messages through the real queue function, a host simulator and real (disk-backed) Azurite, while
/// Sinch answers 429s, 503s and 500s, stalls, drops connections, its token endpoint rate-limits, Key Vault goes
/// down and Azurite restarts. Nothing may be lost, duplicates may only come from ambiguous failures, a message
/// redelivered after it was sent is not sent again, and the logs hold no secret and no identity.
/// </summary>
[Collection(FaultInjectionCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class FaultInjectionRunTests(ITestOutputHelper output) : FaultRunTest
{
    [Fact]
    public async Task Nothing_is_lost_and_duplicates_come_only_from_ambiguous_failures()
    {
        var clock = Stopwatch.StartNew();
        await using var azurite = await AzuriteProcess.StartAsync(persistent: true);
        await using var sinch = await SinchSandbox.StartAsync();
        await using var vault = await FakeKeyVaultServer.StartAsync();
        SinchSecrets.Store(vault, sinch, "fault-project", "01FAULTAPP0000000000000001");
        var keySecret = sinch.KeySecret;
        sinch.TokenLifetimeSeconds = 3;
        // Slow answers come well after the attempt timeout, and the timeout is far above a normal answer even on a
        // loaded machine: only the injected stalls time out, never a send that was merely slow to be scheduled.
        sinch.SlowDelay = TimeSpan.FromSeconds(5);
        sinch.FaultPlan = RandomFaults(
            4711,
            (0.04, SinchFault.RateLimitedWithRetryAfter),
            (0.07, SinchFault.RateLimitedWithoutRetryAfter),
            (0.11, SinchFault.Unavailable),
            (0.14, SinchFault.ServerErrorAfterProcessing),
            (0.15, SinchFault.SlowAfterProcessing),
            (0.16, SinchFault.DropBeforeProcessing),
            (0.17, SinchFault.DropAfterProcessing));

        const string queueName = "fault-run";
        await using var host = SenderHost.CreateWithKeyVault(sinch, vault, settings => ConfigureForFaultRun(settings, azurite.ConnectionString, queueName), MidSendCrash.AddTo);

        // Produce with the product's own client settings (base64), some messages invalid, some with their own key.
        var producer = host.Get<StorageClientFactory>().CreateQueue(queueName);
        await producer.CreateIfNotExistsAsync();
        var ids = Enumerable.Range(0, MessageCount).Select(i => $"fault-{i:D5}").ToList();
        await Parallel.ForEachAsync(Enumerable.Range(0, MessageCount), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await producer.SendMessageAsync(MessageFor(i), ct));
        var produced = clock.Elapsed;

        // Per message whose run was followed by a crash: how often Sinch had taken it then, and whether that run's send
        // was accepted cleanly (a resend after that is a real duplicate; after an ambiguous fault it is an explained one).
        var crashes = new ConcurrentDictionary<string, (int Deliveries, bool SentCleanly)>();
        // Per message whose worker died between Sinch's answer and the bookkeeping: how often Sinch had taken it then.
        var midSendCrashes = new ConcurrentDictionary<string, int>();
        var function = host.CreateFunction<SendMessageQueueFunction>();
        var simulator = new QueueHostSimulator(azurite.ConnectionString, queueName, (m, ct) => function.RunAsync(m, ct))
        {
            VisibilityTimeout = TimeSpan.FromMilliseconds(300),
            Lease = TimeSpan.FromSeconds(30),
            CrashAfterSuccess = 0.03,
            OnCrashAfterSuccess = body => crashes.TryAdd(CorrelationOf(body), (DeliveriesOf(sinch, CorrelationOf(body)), LastFaultOf(sinch, CorrelationOf(body)) == SinchFault.None)),
            CrashMidSend = 0.01,
            OnCrashMidSend = body => midSendCrashes.TryAdd(CorrelationOf(body), DeliveriesOf(sinch, CorrelationOf(body))),
        };

        var run = simulator.RunUntilDrainedAsync(TimeSpan.FromMinutes(3) * Math.Max(1.0, MessageCount / 2000.0));
        var events = await EnvironmentFaults.InjectAsync(sinch, vault, azurite, run, MessageCount);
        var drained = await run;
        var processed = clock.Elapsed;

        // Tally what became of each message.
        var deliveries = sinch.Deliveries.GroupBy(CorrelationOf).ToDictionary(g => g.Key, g => g.Count());
        var deadLetters = await ReadAllAsync(azurite.ConnectionString, queueName + "-failed", decodeBase64: true);
        // A host crash after a dead-letter write redelivers the message, which is dead-lettered again: at least once.
        var deadLetterGroups = deadLetters.Select(e => JsonNode.Parse(e)!).GroupBy(e => CorrelationOf(e["original_message"]!.GetValue<string>())).ToList();
        var deadLettered = deadLetterGroups.ToDictionary(g => g.Key, g => g.First()["reason"]!.GetValue<string>());
        var deadLetterErrors = deadLetterGroups.ToDictionary(g => g.Key, g => g.First()["errors"]?.ToJsonString() ?? "");
        var deadLetterOutcomes = deadLetterGroups.ToDictionary(g => g.Key, g => g.First()["outcome"]!.GetValue<string>());
        var poisoned = (await ReadAllAsync(azurite.ConnectionString, queueName + "-poison", decodeBase64: true)).Select(CorrelationOf).ToHashSet();
        var lost = ids.Where(id => !deliveries.ContainsKey(id) && !deadLettered.ContainsKey(id) && !poisoned.Contains(id)).ToList();
        var duplicates = deliveries.Values.Sum(n => n - 1);
        var faults = sinch.InjectedFaults;
        var ambiguous = faults.GetValueOrDefault(SinchFault.ServerErrorAfterProcessing) + faults.GetValueOrDefault(SinchFault.SlowAfterProcessing) + faults.GetValueOrDefault(SinchFault.DropAfterProcessing);
        var resentAfterCrash = crashes.Count(c => c.Value.SentCleanly && DeliveriesOf(sinch, c.Key) > c.Value.Deliveries);
        var resentAfterMidSendCrash = midSendCrashes.Count(c => DeliveriesOf(sinch, c.Key) > c.Value);
        var logs = host.Logs.Lines;
        var ambiguousLogged = logs.Count(l => l.Contains("may duplicate", StringComparison.Ordinal));
        var leaks = logs.Count(l => l.Contains(keySecret, StringComparison.Ordinal) || l.Contains(SandboxToken.Prefix, StringComparison.Ordinal)
            || l.Contains(FakeTokenCredential.Signature, StringComparison.Ordinal) || RawIdentity().IsMatch(l));

        var report = new JsonObject
        {
            ["messages"] = MessageCount,
            ["invalid_messages"] = ids.Count(id => IsInvalid(id)),
            ["produce_seconds"] = Math.Round(produced.TotalSeconds, 1),
            ["run_seconds"] = Math.Round((processed - produced).TotalSeconds, 1),
            ["drained"] = drained,
            ["function_invocations"] = simulator.Invocations,
            ["function_failures"] = simulator.Failures,
            ["storage_errors_seen_by_host"] = simulator.StorageErrors,
            ["faults"] = new JsonObject([.. faults.OrderBy(f => f.Key.ToString()).Select(f => KeyValuePair.Create(f.Key.ToString(), (JsonNode?)f.Value))]),
            ["environment_events"] = new JsonArray([.. events.Select(e => (JsonNode)e)]),
            ["host_crashes_after_success"] = crashes.Count,
            ["delivered"] = deliveries.Count,
            ["dead_lettered"] = deadLettered.Count,
            ["dead_letter_copies"] = deadLetters.Count - deadLettered.Count,
            ["dead_letter_reasons"] = new JsonObject([.. deadLettered.Values.Select(r => Regex.Replace(r, @"[0-9][0-9:.T+-]*", "#")).GroupBy(r => r[..Math.Min(60, r.Length)]).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Count()))]),
            ["poisoned"] = poisoned.Count,
            ["lost"] = lost.Count,
            ["duplicates"] = duplicates,
            ["ambiguous_faults_injected"] = ambiguous,
            ["ambiguous_failures_logged"] = ambiguousLogged,
            ["resent_after_crash"] = resentAfterCrash,
            ["worker_deaths_mid_send"] = midSendCrashes.Count,
            ["resent_after_death_mid_send"] = resentAfterMidSendCrash,
            ["log_lines"] = logs.Count,
            ["log_leaks"] = leaks,
            ["table_failures_after_acceptance"] = logs.Count(l => l.Contains("Could not record the outcome under the idempotency key", StringComparison.Ordinal)),
            ["retry_copies_queued"] = logs.Count(l => l.Contains("attempt", StringComparison.Ordinal) && l.Contains("failed; attempt", StringComparison.Ordinal)),
        };
        output.WriteLine(report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var ambiguousKinds = new[] { SinchFault.ServerErrorAfterProcessing, SinchFault.SlowAfterProcessing, SinchFault.DropAfterProcessing };
        var histories = sinch.SendHistory.GroupBy(h => CorrelationOf(h.Body)).ToDictionary(g => g.Key, g => g.ToList());
        var unexplained = deliveries.Where(d => d.Value - 1 > histories[d.Key].Count(h => ambiguousKinds.Contains(h.Fault))).ToList();
        output.WriteLine($"unexplained duplicates: {unexplained.Count}");
        report["unexplained_duplicates"] = unexplained.Count;
        report["unexpected_function_failures"] = simulator.UnexpectedFailures.Count;
        report["requests_refused_by_sinch_checks"] = sinch.RefusedRequests.Count;
        foreach (var duplicated in unexplained.Take(6))
        {
            output.WriteLine($"{duplicated.Key}: {string.Join(" | ", histories[duplicated.Key].Select(h => $"{h.At:HH:mm:ss.fff} {h.Fault}"))}");
            foreach (var line in host.Logs.Entries.Where(e => e.Scope.TryGetValue("CorrelationId", out var c) && (string?)c == duplicated.Key && (e.Category.Contains("SendService", StringComparison.Ordinal) || e.Category.Contains("Queue", StringComparison.Ordinal))))
            {
                output.WriteLine($"    {line.Level} {line.Message} {line.Exception?.Split('\n')[0]}");
            }
        }

        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "fault-run.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (Environment.GetEnvironmentVariable("FAULT_RUN_UPDATE_DOCS") == "1")
        {
            GeneratedDocSection.Replace(RepositoryRoot.File("docs", "reliability.md"), "fault-run", ReliabilityReport(report));
        }

        Assert.True(drained, "the queue did not drain in time");

        // Every valid message reached Sinch (by its id), every invalid one was dead-lettered with its reason, and
        // nothing else was: a product that refused everything would fail here, not pass with 2,000 dead letters.
        var invalid = ids.Where(IsInvalid).ToList();
        var reusePairs = ids.Where(id => ReusePairOf(id) is { First: true }).Select(id => (First: id, Second: SecondOfPair(id))).ToList();
        var valid = ids.Where(id => !IsInvalid(id) && ReusePairOf(id) is null).ToList();
        Assert.Equal(MessageCount - (MessageCount / 100) - (2 * reusePairs.Count), valid.Count);
        Assert.Empty(valid.Where(id => !deliveries.ContainsKey(id)).Select(id => $"{id}: {deadLettered.GetValueOrDefault(id, "not dead-lettered either")}"));

        // A key used for two different messages: exactly one of them is sent, the other dead-lettered as key_reused.
        Assert.NotEmpty(reusePairs);
        Expect.All(reusePairs, pair => Assert.True(deliveries.ContainsKey(pair.First) ^ deliveries.ContainsKey(pair.Second), $"{pair.First}/{pair.Second}: sent {deliveries.ContainsKey(pair.First)}/{deliveries.ContainsKey(pair.Second)}"));
        var reuseLosers = reusePairs.Select(pair => deliveries.ContainsKey(pair.First) ? pair.Second : pair.First).ToList();
        Expect.All(reuseLosers, id => Assert.Equal("key_reused", deadLetterOutcomes.GetValueOrDefault(id)));
        Assert.Equal(invalid.Concat(reuseLosers).Order(StringComparer.Ordinal), deadLettered.Keys.Order(StringComparer.Ordinal));
        Expect.All(invalid, id => Assert.False(string.IsNullOrWhiteSpace(deadLettered[id])));
        Expect.All(invalid, id => Assert.Contains("SMSS", deadLetterErrors[id], StringComparison.Ordinal));
        Assert.Empty(lost);
        Assert.Empty(poisoned);

        // Ambiguous failures are reconciled against Sinch's message list before any resend: no duplicate at all.
        Assert.Empty(unexplained);
        Assert.Equal(0, duplicates);
        Assert.True(ambiguous > 50, $"only {ambiguous} ambiguous faults: too few to show reconciliation");
        Assert.True(ambiguousLogged >= duplicates, $"{duplicates} duplicates but only {ambiguousLogged} ambiguous failures logged");
        Assert.True(crashes.Count(c => c.Value.SentCleanly) > 20, "too few redeliveries of sent messages to show anything");
        Assert.Equal(0, resentAfterCrash);

        // A worker that died after Sinch took the message and before recording it: reconciled on the redelivery, not resent.
        Assert.True(midSendCrashes.Count > 5, $"only {midSendCrashes.Count} deaths mid-send: too few to show anything");
        Assert.Equal(0, resentAfterMidSendCrash);

        // The run was what it claims: each planned fault happened, every request was well-formed, and the function
        // failed only deliberately.
        Expect.All(new[] { SinchFault.RateLimitedWithRetryAfter, SinchFault.RateLimitedWithoutRetryAfter, SinchFault.Unavailable, SinchFault.ServerErrorAfterProcessing, SinchFault.SlowAfterProcessing, SinchFault.DropBeforeProcessing, SinchFault.DropAfterProcessing },
            kind => Assert.True(faults.GetValueOrDefault(kind) > 0, $"no {kind} was injected"));
        Assert.Equal(4, events.Count);
        Assert.Contains(events, e => e.StartsWith("sinch unavailable", StringComparison.Ordinal) && !e.Contains("(0 ", StringComparison.Ordinal));
        Assert.Contains(events, e => e.StartsWith("token endpoint answered 429", StringComparison.Ordinal) && !e.Contains("(0 ", StringComparison.Ordinal) && !e.Contains("(1 ", StringComparison.Ordinal));
        Assert.Contains(events, e => e.StartsWith("key vault answered 503", StringComparison.Ordinal) && !e.Contains("(0 ", StringComparison.Ordinal));
        Assert.Contains(events, e => e.StartsWith("azurite restarted", StringComparison.Ordinal));
        Assert.True(vault.ReadsOf("sinch-key-secret") > 1, "the vault was never read again");
        Assert.Empty(simulator.UnexpectedFailures);
        Assert.Empty(sinch.RefusedRequests);
        Assert.Equal(0, leaks);
    }

    private static string ReliabilityReport(JsonObject report)
    {
        long N(string name) => long.Parse(report[name]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
        var parked = N("dead_lettered") + N("poisoned");
        return $"""
            {GeneratedDocSection.MachineLine()}

            | messages | delivered | lost | duplicates | of them explained by an ambiguous fault | parked, with reason | host crashes after success / resent | worker deaths mid-send / resent |
            | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |
            | {N("messages")} | {N("delivered")} | {N("lost")} | {N("duplicates")} | {N("duplicates") - N("unexplained_duplicates")} | {parked} | {N("host_crashes_after_success")} / {N("resent_after_crash")} | {N("worker_deaths_mid_send")} / {N("resent_after_death_mid_send")} |

            Parked, by reason: {string.Join("; ", report["dead_letter_reasons"]!.AsObject().Select(r => $"{r.Value} × '{r.Key}'"))}.
            Environment: {string.Join("; ", report["environment_events"]!.AsArray().Select(e => e!.GetValue<string>()))}.
            Sinch faults injected: {string.Join(", ", report["faults"]!.AsObject().Select(f => $"{f.Key} {f.Value}"))}. Retry copies queued: {N("retry_copies_queued")};
            claim completions that failed after Sinch accepted (storage down): {N("table_failures_after_acceptance")}; log leaks: {N("log_leaks")}.
            Run time: {report["run_seconds"]} s for the sends, after {report["produce_seconds"]} s producing.

            ```json
            {report.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}
            ```
            """;
    }

    [GeneratedRegex(@"\+467\d{8}")]
    private static partial Regex RawIdentity();
}
