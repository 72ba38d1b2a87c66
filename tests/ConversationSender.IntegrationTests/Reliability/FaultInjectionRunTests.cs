using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
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
public sealed partial class FaultInjectionRunTests(ITestOutputHelper output)
{
    // 2,000 in the suite; FAULT_RUN_MESSAGES=5000 (and FAULT_RUN_UPDATE_DOCS=1 to write docs/reliability.md) for the long run.
    private static readonly int MessageCount = int.TryParse(Environment.GetEnvironmentVariable("FAULT_RUN_MESSAGES"), out var n) && n >= 1000 ? n : 2000;

    // The run with reconciliation unavailable: a quarter of the main run's size is enough to see every ambiguous kind.
    private static readonly int UnreconciledMessageCount = MessageCount / 4;

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
        var faultRandom = new Random(4711);
        sinch.FaultPlan = () =>
        {
            double roll;
            lock (faultRandom)
            {
                roll = faultRandom.NextDouble();
            }

            return roll switch
            {
                < 0.04 => SinchFault.RateLimitedWithRetryAfter,
                < 0.07 => SinchFault.RateLimitedWithoutRetryAfter,
                < 0.11 => SinchFault.Unavailable,
                < 0.14 => SinchFault.ServerErrorAfterProcessing,
                < 0.15 => SinchFault.SlowAfterProcessing,
                < 0.16 => SinchFault.DropBeforeProcessing,
                < 0.17 => SinchFault.DropAfterProcessing,
                _ => SinchFault.None,
            };
        };

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
        var events = await InjectEnvironmentFaultsAsync(sinch, vault, azurite, run, MessageCount);
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

    private static void ConfigureForFaultRun(Dictionary<string, string?> settings, string storage, string queueName)
    {
        settings["SendQueueStorage"] = storage;
        settings["SendQueueName"] = queueName;
        settings["Sinch:AttemptTimeout"] = "00:00:03";
        settings["Sinch:TotalTimeout"] = "00:00:05";
        settings["Sinch:MaxRetries"] = "2";
        settings["Sinch:RetryBaseDelay"] = "00:00:00.010";
        settings["Sinch:MaxRetryDelay"] = "00:00:00.200";
        settings["Sinch:TokenRefreshMargin"] = "00:00:01";
        settings["Sinch:RequestsPerSecondBudget"] = "100000";

        // The run's 429s are drawn at random, not a rate Sinch enforces: the CUBIC cut (tested on its own) would only
        // stretch the drain past the run's deadline.
        settings["Sinch:AdaptOnThrottling"] = "false";
        settings["KeyVault:CacheDuration"] = "00:00:01";
        settings["KeyVault:NetworkTimeout"] = "00:00:02";
        settings["Idempotency:InFlightTimeout"] = "00:00:13"; // above the longest send: 2 s of vault reads + 2 × 5 s
        settings["SendQueue:RetryBaseDelay"] = "00:00:00.200";
        settings["SendQueue:OutageRecheckDelay"] = "00:00:00.200";
        settings["KeyVault:FailureBackoff"] = "00:00:00.500";
        settings["Sinch:ReconcileSettleTime"] = "00:00:00"; // the sandbox lists a message as soon as it takes it
        settings["SendQueue:RetryMaxDelay"] = "00:00:02";
    }

    /// <summary>
    /// The same traffic with Sinch's message list down for the whole run: reconciliation is unavailable, so no
    /// message whose send was ambiguous may be sent again, and every one of them is parked as <c>unconfirmed</c>
    /// with its reason; everything else is delivered once.
    /// </summary>
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
        var faultRandom = new Random(815);
        sinch.FaultPlan = () =>
        {
            double roll;
            lock (faultRandom)
            {
                roll = faultRandom.NextDouble();
            }

            return roll switch
            {
                < 0.03 => SinchFault.RateLimitedWithRetryAfter,
                < 0.06 => SinchFault.Unavailable,
                < 0.09 => SinchFault.ServerErrorAfterProcessing,
                < 0.10 => SinchFault.SlowAfterProcessing,
                < 0.13 => SinchFault.DropBeforeProcessing,
                < 0.16 => SinchFault.DropAfterProcessing,
                _ => SinchFault.None,
            };
        };

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

    /// <summary>Token endpoint rate-limited, Key Vault down past the cache lifetime, Azurite restarted, Sinch down: each while sends are under way.</summary>
    private static async Task<List<string>> InjectEnvironmentFaultsAsync(SinchSandbox sinch, FakeKeyVaultServer vault, AzuriteProcess azurite, Task run, int messages)
    {
        var events = new List<string>();
        async Task<bool> WaitForDeliveriesAsync(int count)
        {
            while (sinch.Deliveries.Count < count && !run.IsCompleted)
            {
                await Task.Delay(50);
            }

            return !run.IsCompleted;
        }

        // Each outage lasts until the product has run into it a few times (at least its nominal length, at most 15 s),
        // so that a quiet moment cannot make a planned fault pass unnoticed.
        async Task<int> HoldUntilAsync(Func<int> count, int atLeast, TimeSpan minimum)
        {
            var held = Stopwatch.StartNew();
            var before = count();
            while ((held.Elapsed < minimum || count() - before < atLeast) && held.Elapsed < TimeSpan.FromSeconds(15) && !run.IsCompleted)
            {
                await Task.Delay(50);
            }

            return count() - before;
        }

        if (await WaitForDeliveriesAsync(messages * 15 / 100))
        {
            sinch.TokenEndpointRateLimited = true;
            var refused = await HoldUntilAsync(() => sinch.TokenRequests.Count, atLeast: 2, TimeSpan.FromSeconds(2));
            sinch.TokenEndpointRateLimited = false;
            events.Add($"token endpoint answered 429 ({refused} refused token requests)");
        }

        if (await WaitForDeliveriesAsync(messages * 35 / 100))
        {
            vault.FailWithStatus = 503;
            var failed = await HoldUntilAsync(() => vault.ReadsOf("sinch-key-secret"), atLeast: 3, TimeSpan.FromSeconds(3));
            vault.FailWithStatus = null;
            events.Add($"key vault answered 503 ({failed} failed reads)");
        }

        if (await WaitForDeliveriesAsync(messages * 55 / 100))
        {
            var stopped = Stopwatch.StartNew();
            await azurite.RestartAsync();
            events.Add($"azurite restarted ({stopped.Elapsed.TotalSeconds:F1} s down)");
        }

        // A Sinch outage (compressed: the back-off runs 200 ms … 2 s here): every send fails until a few hundred have.
        if (await WaitForDeliveriesAsync(messages * 70 / 100))
        {
            var plan = sinch.FaultPlan;
            var down = Stopwatch.StartNew();
            sinch.FaultPlan = () => SinchFault.Unavailable;
            var refused = await HoldUntilAsync(() => sinch.SendHistory.Count, atLeast: 200, TimeSpan.FromSeconds(3));
            sinch.FaultPlan = plan;
            events.Add($"sinch unavailable for {down.Elapsed.TotalSeconds:F1} s ({refused} refused sends)");
        }

        return events;
    }

    private static string MessageFor(int i)
    {
        var id = $"fault-{i:D5}";
        var identity = $"+467{10_000_000 + (i * 7919 % 89_999_999):D8}";
        var channel = IsInvalid(id) ? "SMSS" : (i % 3 == 0 ? "WHATSAPP" : "SMS");
        var key = ReusePairOf(id) is { } pair ? $", \"idempotency_key\": \"reused-{pair.Pair}\""
            : i % 4 == 0 ? $", \"idempotency_key\": \"order-{i}\"" : "";
        return $$"""{ "to": { "channel": "{{channel}}", "identity": "{{identity}}" }, "text": "Your code is {{i:D6}}", "correlation_id": "{{id}}"{{key}} }""";
    }

    // Messages 7 and 8 of every 50 share one idempotency key with different texts: a key reused for another message.
    private static (int Pair, bool First)? ReusePairOf(string id) =>
        int.Parse(id[6..], System.Globalization.CultureInfo.InvariantCulture) is var i && i % 50 is 7 or 8 ? (i / 50, i % 50 == 7) : null;

    private static string SecondOfPair(string first) => $"fault-{int.Parse(first[6..], System.Globalization.CultureInfo.InvariantCulture) + 1:D5}";

    private static bool IsInvalid(string id) => int.Parse(id[6..], System.Globalization.CultureInfo.InvariantCulture) % 100 == 42;

    // A retry copy carries the caller's message as a string inside its envelope.
    private static string CorrelationOf(string body) =>
        JsonNode.Parse(body) is { } node && node["retry"] is not null && node["message"] is { } inner
            ? CorrelationOf(inner.GetValue<string>())
            : JsonNode.Parse(body)?["correlation_id"]?.GetValue<string>() ?? throw new InvalidOperationException("a message without correlation_id");

    private static SinchFault? LastFaultOf(SinchSandbox sinch, string correlationId) =>
        sinch.SendHistory.LastOrDefault(h => h.Body.Contains($"\"{correlationId}\"", StringComparison.Ordinal)) is { Body: not null } last ? last.Fault : null;

    private static int DeliveriesOf(SinchSandbox sinch, string correlationId) =>
        sinch.Deliveries.Count(d => d.Contains($"\"{correlationId}\"", StringComparison.Ordinal));

    private static async Task<List<string>> ReadAllAsync(string connectionString, string queueName, bool decodeBase64)
    {
        var queue = new QueueClient(connectionString, queueName);
        var all = new List<string>();
        if (!await queue.ExistsAsync())
        {
            return all;
        }

        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch)
        {
            all.AddRange(batch.Select(m => decodeBase64 ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(m.Body.ToString())) : m.Body.ToString()));
        }

        return all;
    }

    [GeneratedRegex(@"\+467\d{8}")]
    private static partial Regex RawIdentity();
}

/// <summary>The fault run loads both cores for most of a minute: it runs alone, so timing-sensitive tests elsewhere do not starve.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultInjectionCollection
{
    public const string Name = "Fault injection (alone)";
}
