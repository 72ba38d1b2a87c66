using System.Globalization;
using ConversationSender.LoadHarness;
using ConversationSender.Testing;

// dotnet run -c Release --project tests/ConversationSender.LoadHarness -- [--runs 3] [--messages 5000] [--rounds 31] [--concurrency 1,16,64] [--queue-messages 2000] [--sandbox-process] [--markdown run.md] [--update-docs] [--decompose]
// --runs N runs the throughput comparison in N fresh processes, one after another, and reports the median run per C.
// --cold-start [runs] publishes the harness ReadyToRun and JIT-only and times process start → first accepted send.
// --outage [minutes] [--backlogs 10,500] answers every send 503 for that long (3 min) with each backlog queued, in real
// time with the default settings, and reports the recovery (with --update-docs into docs/reliability.md).
// --queue-sweep runs the queue function under the host's batchSize/newBatchThreshold settings against Sinch latencies.
// --decompose measures the same post through each layer (bare HttpClient, the product's HttpClient, ConversationClient,
// SendService) instead of the report, to show where the product's cost lies.
// --update-docs writes the report below into docs/performance.md (its "load-harness" section, or
// "load-harness-out-of-process" with --sandbox-process), as printed.
// --calibrate N replaces the product by the bare post after N µs of busy work: what that much work per send costs here.
// --in-memory-added [pairs] measures what a send adds at the configured rate, in process against an in-memory Sinch.
// --consent-cost [pairs] measures what the opt-out check adds to a send (table reads, latency) against Azurite.
// --fleet-drain [messages] [--fleet-limit N] drains a backlog with three instances against the sandbox's global rate limit
// (HTTP sends timed meanwhile), then with one instance alone at the template's defaults: fleet budget vs static share.
// --queue-only skips the throughput comparison: the first send, then the queue drain.
// --sandbox-process runs the sandbox in its own process: in-process it competes with the client for the two cores.
if (args.Length > 0 && args[0] == ColdStart.ChildFlag)
{
    await ColdStart.RunChildAsync(args[1], warmUp: args[2] == "warm-up");
    return;
}

var arguments = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal)).ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
// Many short rounds, not a few long ones: on two shared cores the machine's speed drifts over seconds (a round of the
// bare client alone varies by ±30 %), so what decides the ratio's precision is how often the two paths alternate.
var rounds = int.Parse(arguments.GetValueOrDefault("rounds", "31"), CultureInfo.InvariantCulture);
var messages = int.Parse(arguments.GetValueOrDefault("messages", "5000"), CultureInfo.InvariantCulture);
var concurrencies = arguments.GetValueOrDefault("concurrency", "1,16,64").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
// The comparison runs in this many fresh processes, one after another, and the report takes the median one per C.
var childOutput = args.Length > 1 && args[0] == ThroughputChild.Flag ? args[1] : null;
var runs = childOutput is null ? int.Parse(arguments.GetValueOrDefault("runs", "3"), CultureInfo.InvariantCulture) : 1;
var queueMessages = int.Parse(arguments.GetValueOrDefault("queue-messages", "2000"), CultureInfo.InvariantCulture);

if (arguments.TryGetValue("cold-start", out var coldStartRuns))
{
    var coldStart = await ColdStart.CompareAsync(int.TryParse(coldStartRuns, CultureInfo.InvariantCulture, out var coldRuns) ? coldRuns : 10);
    Console.WriteLine(coldStart);
    if (arguments.ContainsKey("update-docs"))
    {
        GeneratedDocSection.Replace(RepositoryRoot.File("docs", "performance.md"), "cold-start", coldStart);
    }

    return;
}

if (arguments.TryGetValue("in-memory-added", out var addedPairs))
{
    Console.WriteLine(await InMemoryAddedLatency.RunAsync(int.TryParse(addedPairs, CultureInfo.InvariantCulture, out var pairCount) ? pairCount : 1500));
    return;
}

if (arguments.TryGetValue("consent-cost", out var consentPairs))
{
    await using var consentAzurite = await AzuriteProcess.StartAsync();
    Console.WriteLine(await ConsentCost.RunAsync(consentAzurite.ConnectionString, int.TryParse(consentPairs, CultureInfo.InvariantCulture, out var consentPairCount) ? consentPairCount : 1000));
    return;
}

if (arguments.TryGetValue("outage", out var outageMinutes))
{
    var outageReport = await OutageRun.RunAsync(
        TimeSpan.FromMinutes(double.TryParse(outageMinutes, CultureInfo.InvariantCulture, out var minutes) ? minutes : 3),
        arguments.GetValueOrDefault("backlogs", "10,500").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToList());
    Console.WriteLine(outageReport);
    if (arguments.ContainsKey("update-docs"))
    {
        GeneratedDocSection.Replace(RepositoryRoot.File("docs", "reliability.md"), "outage-run", outageReport);
    }

    return;
}

if (arguments.ContainsKey("queue-sweep"))
{
    await using var sweepAzurite = await AzuriteProcess.StartAsync();
    var sweep = await QueueSweep.RunAsync(sweepAzurite.ConnectionString);
    Console.WriteLine(sweep);
    if (arguments.ContainsKey("update-docs"))
    {
        GeneratedDocSection.Replace(RepositoryRoot.File("docs", "performance.md"), "queue-sweep", sweep);
    }

    return;
}

if (arguments.TryGetValue("fleet-drain", out var fleetCount))
{
    await using var fleetAzurite = await AzuriteProcess.StartAsync();
    var limit = int.Parse(arguments.GetValueOrDefault("fleet-limit", "100"), CultureInfo.InvariantCulture);
    var fleet = await FleetDrain.RunAsync(fleetAzurite.ConnectionString, int.TryParse(fleetCount, CultureInfo.InvariantCulture, out var fleetMessages) ? fleetMessages : 3000, limit);
    Console.WriteLine(fleet);
    if (arguments.ContainsKey("update-docs"))
    {
        GeneratedDocSection.Replace(RepositoryRoot.File("docs", "performance.md"), "fleet-drain", fleet);
    }

    return;
}

var outOfProcess = arguments.ContainsKey("sandbox-process");
await using var rig = await SendRig.StartAsync(outOfProcess, withAzurite: queueMessages > 0);
var first = await FirstSend.MeasureAsync(rig);
using var paths = await SendPaths.CreateAsync(rig);

var calibration = arguments.TryGetValue("calibrate", out var busyArgument) ? double.Parse(busyArgument, CultureInfo.InvariantCulture) : 0;
if (calibration > 0 && (arguments.ContainsKey("update-docs") || arguments.ContainsKey("decompose")))
{
    throw new ArgumentException("--calibrate measures a stand-in for the product in the throughput comparison: it neither decomposes the product nor writes docs/performance.md.");
}

Func<int, Task<bool>> measured = calibration > 0 ? paths.BusyThenBaselineSend(calibration) : paths.ProductSend;

// Warm both paths before measuring, in both processes: connections, and the JIT's tiering, which in a fresh process
// recompiles hot methods in the background for several seconds (500 sends each left the first rounds measuring that).
var queueOnly = arguments.ContainsKey("queue-only");
for (var warmUp = 0; warmUp < 3 && !queueOnly && (runs == 1 || arguments.ContainsKey("decompose")); warmUp++)
{
    await LoadRunner.RunAsync("warm-up", 5000, 16, paths.BaselineSend);
    await LoadRunner.RunAsync("warm-up", 5000, 16, measured);
}

if (arguments.ContainsKey("decompose"))
{
    var decomposition = await Decomposition.RunAsync(rig, paths, messages, rounds, concurrencies, outOfProcess);
    if (arguments.ContainsKey("update-docs"))
    {
        GeneratedDocSection.Replace(RepositoryRoot.File("docs", "performance.md"), "decompose", decomposition);
    }

    return;
}

List<ThroughputRow> rows;
Dictionary<int, List<double>> runRatios;
if (runs > 1 && !queueOnly)
{
    (rows, runRatios) = await ThroughputComparison.InChildProcessesAsync(runs, messages, rounds, concurrencies, outOfProcess, calibration, busyArgument);
}
else if (queueOnly)
{
    (rows, runRatios) = ([], []);
}
else
{
    (rows, runRatios) = await ThroughputComparison.InThisProcessAsync(messages, rounds, concurrencies, paths.BaselineSend, measured);
    if (childOutput is not null)
    {
        await File.WriteAllLinesAsync(childOutput, rows.Select(r => r.ToLine()));
        return;
    }
}

var withStatus = rig.Azurite is null ? null : await StatusRecordingRun.RunAsync(rig, messages);
var storageRequests = new StorageRequestCounter();
var queueRun = rig.Azurite is null ? null : await QueueRun.RunAsync(rig, queueMessages, storageRequests);

var report = LoadReport.Build(rig, runs, messages, rounds, outOfProcess, calibration, rows, runRatios, first, withStatus, queueRun, storageRequests);
Console.WriteLine();
Console.WriteLine(report);
if (arguments.TryGetValue("markdown", out var markdownPath) && markdownPath.Length > 0)
{
    await File.WriteAllTextAsync(markdownPath, report);
}

if (arguments.ContainsKey("update-docs"))
{
    GeneratedDocSection.Replace(RepositoryRoot.File("docs", "performance.md"), outOfProcess ? "load-harness-out-of-process" : "load-harness", report);
}
