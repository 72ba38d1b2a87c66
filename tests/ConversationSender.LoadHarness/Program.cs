using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ConversationSender;
using ConversationSender.Functions;
using ConversationSender.LoadHarness;
using ConversationSender.RateLimiting;
using ConversationSender.Sandbox;
using ConversationSender.Sending;
using ConversationSender.Sinch;
using ConversationSender.Storage;
using ConversationSender.Testing;
using ConversationSender.Validation;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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
var sandboxOptions = new SandboxOptions { MaxCaptured = 100, ProjectId = "load-project", AppId = "01LOADAPP00000000000000001" };
await using var sandbox = outOfProcess ? null : await SinchSandbox.StartAsync(configure: o =>
{
    o.MaxCaptured = sandboxOptions.MaxCaptured;
    o.ProjectId = sandboxOptions.ProjectId;
    o.AppId = sandboxOptions.AppId;
});
using var sandboxProcess = outOfProcess ? await SandboxProcess.StartAsync(sandboxOptions) : null;
var sandboxUrl = sandbox?.BaseUrl ?? sandboxProcess!.BaseUrl;
await using var vault = await FakeKeyVaultServer.StartAsync();
vault.Secrets["sinch-project-id"] = sandboxOptions.ProjectId;
vault.Secrets["sinch-app-id"] = sandboxOptions.AppId;
vault.Secrets["sinch-key-id"] = sandboxOptions.KeyId;
vault.Secrets["sinch-key-secret"] = sandboxOptions.KeySecret;
vault.ReadDelay = TimeSpan.FromMilliseconds(100);
await using var azurite = queueMessages > 0 ? await AzuriteProcess.StartAsync() : null;

var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Sinch:ConversationBaseUrl"] = sandboxUrl.ToString(),
    ["Sinch:AuthBaseUrl"] = sandboxUrl.ToString(),
    ["Sinch:RequestsPerSecondBudget"] = "100000", // no limit: the comparison is about the send path
    ["Sinch:RateBudgetMaxInstances"] = "1",
    ["Sinch:RateBudgetSendingGroups"] = "1",
    ["KeyVault:VaultUri"] = vault.VaultUri.ToString(),
    ["SendQueueStorage"] = azurite?.ConnectionString,
    ["SendQueueName"] = "load-run",

    // The comparison is about the send path; recording each send for the status lookup is one table write more,
    // measured on its own below.
    ["Webhooks:RecordStatus"] = "false",
}).Build();
var services = new ServiceCollection()
    .AddLogging()
    .AddSingleton<IConfiguration>(configuration)
    .AddSingleton<TokenCredential>(new FakeTokenCredential())
    .AddConversationSender(configuration);
services.AddAzureClients(clients => clients.ConfigureDefaults(o => o.Transport = new HttpClientTransport(vault.CreateTrustingHandler())));
await using var provider = services.BuildServiceProvider();
var sendService = provider.GetRequiredService<SendService>();
var body = BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""");

// First send after start: four secrets, each read with 100 ms latency; concurrent reads take ~100 ms, serial ~400.
TimeSpan credentialRead;
var first = Stopwatch.StartNew();
var firstOutcome = await sendService.SendAsync(body, CancellationToken.None);
first.Stop();

// The credential read alone, on a fresh store (JIT and connections already warm): ~100 ms if the four reads overlap.
var freshServices = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddSingleton<TokenCredential>(new FakeTokenCredential()).AddConversationSender(configuration);
freshServices.AddAzureClients(clients => clients.ConfigureDefaults(o => o.Transport = new HttpClientTransport(vault.CreateTrustingHandler())));
await using (var fresh = freshServices.BuildServiceProvider())
{
    var store = fresh.GetRequiredService<ConversationSender.Sinch.ISinchCredentialStore>();
    var read = Stopwatch.StartNew();
    await store.GetAsync(CancellationToken.None);
    credentialRead = read.Elapsed;
}

// The limit: the same request, pre-serialised, from a bare HttpClient with a token fetched once.
var wire = JsonSerializer.SerializeToUtf8Bytes(new SendMessageRequest
{
    AppId = "01LOADAPP00000000000000001",
    Recipient = OutboundMessageValidator.Validate(body, out _).Request!.Recipient,
    Message = AppMessage.FromText("Your code is 123456"),
}, SinchJsonContext.Default.SendMessageRequest);
using var bare = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { BaseAddress = sandboxUrl };
var token = await FetchTokenAsync(bare, sandboxOptions);
var sendPath = new Uri("v1/projects/load-project/messages:send", UriKind.Relative);
async Task<bool> BaselineSend(int _)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, sendPath) { Content = new ByteArrayContent(wire) };
    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await bare.SendAsync(request);
    await response.Content.ReadAsByteArrayAsync(); // a real caller reads the message id
    return response.IsSuccessStatusCode;
}

async Task<bool> ProductSend(int _) => await sendService.SendAsync(body, CancellationToken.None) is SendOutcome.Accepted;

// A stand-in of known cost: at C = 1 a microsecond of work costs more than a microsecond here, as both processes' idle
// threads spin meanwhile on the same two cores.
var calibration = arguments.TryGetValue("calibrate", out var busyArgument) ? double.Parse(busyArgument, CultureInfo.InvariantCulture) : 0;
if (calibration > 0 && (arguments.ContainsKey("update-docs") || arguments.ContainsKey("decompose")))
{
    throw new ArgumentException("--calibrate measures a stand-in for the product in the throughput comparison: it neither decomposes the product nor writes docs/performance.md.");
}

var busyTicks = (long)(calibration * Stopwatch.Frequency / 1e6);
async Task<bool> BusyThenBaselineSend(int i)
{
    for (var busySince = Stopwatch.GetTimestamp(); Stopwatch.GetTimestamp() - busySince < busyTicks;)
    {
    }

    return await BaselineSend(i);
}

Func<int, Task<bool>> measured = calibration > 0 ? BusyThenBaselineSend : ProductSend;

// Warm both paths before measuring, in both processes: connections, and the JIT's tiering, which in a fresh process
// recompiles hot methods in the background for several seconds (500 sends each left the first rounds measuring that).
var queueOnly = arguments.ContainsKey("queue-only");
for (var warmUp = 0; warmUp < 3 && !queueOnly && (runs == 1 || arguments.ContainsKey("decompose")); warmUp++)
{
    await LoadRunner.RunAsync("warm-up", 5000, 16, BaselineSend);
    await LoadRunner.RunAsync("warm-up", 5000, 16, measured);
}

if (arguments.ContainsKey("decompose"))
{
    // Where the product's cost lies: the same post through each layer in turn, alternated, median runs.
    var productHttp = provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ConversationClient));
    var conversation = provider.GetRequiredService<ConversationClient>();
    var request = OutboundMessageValidator.Validate(body, out _).Request!;
    async Task<bool> ProductHttpSend(int _)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, sendPath) { Content = new ByteArrayContent(wire) };
        post.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await productHttp.SendAsync(post);
        await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode;
    }

    async Task<bool> ClientSend(int _) => (await conversation.SendAsync(request, SendPriority.Caller, CancellationToken.None)).MessageId is not null;
    var layers = new (string Name, Func<int, Task<bool>> Send)[]
    {
        ("bare HttpClient", BaselineSend), ("product HttpClient (auth handler)", ProductHttpSend),
        ("ConversationClient (+ pipeline, serialize, parse)", ClientSend), ("SendService (+ validate, map, metrics)", ProductSend),
    };
    foreach (var (_, send) in layers)
    {
        await LoadRunner.RunAsync("warm-up", 500, 8, send);
    }

    var decomposition = new StringBuilder();
    decomposition.AppendLine(GeneratedDocSection.MachineLine());
    decomposition.AppendLine();
    decomposition.AppendLine(CultureInfo.InvariantCulture, $"{messages} messages per run, the four layers alternated {rounds} times per C (median runs shown); sandbox on loopback {(outOfProcess ? "in its own process" : "in the same process")}.");
    decomposition.AppendLine();
    decomposition.AppendLine("| C | layer | msg/s | ratio to bare | µs per message per worker | bytes/msg | harness process CPU µs/msg |");
    decomposition.AppendLine("|---:|---|---:|---:|---:|---:|---:|");
    foreach (var concurrency in concurrencies)
    {
        var results = layers.Select(_ => new List<RunResult>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            // Forwards, then backwards: no layer always runs right after the same other one.
            for (var step = 0; step < layers.Length; step++)
            {
                var layer = round % 2 == 0 ? step : layers.Length - 1 - step;
                results[layer].Add(await LoadRunner.RunAsync(layers[layer].Name, messages, concurrency, layers[layer].Send));
            }
        }

        var medians = results.Select(r => r.OrderBy(x => x.PerSecond).ElementAt(rounds / 2)).ToArray();
        Console.WriteLine($"C={concurrency}");
        for (var layer = 0; layer < layers.Length; layer++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {layers[layer].Name,-50} {medians[layer].PerSecond,8:F0} msg/s  ratio {medians[layer].PerSecond / medians[0].PerSecond:F2}  {1e6 / medians[layer].PerSecond * concurrency,7:F1} µs/msg per worker  {medians[layer].BytesPerMessage,6:F0} B/msg  {medians[layer].CpuMicrosecondsPerMessage,6:F1} µs CPU/msg"));
            decomposition.AppendLine(CultureInfo.InvariantCulture, $"| {concurrency} | {layers[layer].Name} | {medians[layer].PerSecond:F0} | {medians[layer].PerSecond / medians[0].PerSecond:F2} | {1e6 / medians[layer].PerSecond * concurrency:F1} | {medians[layer].BytesPerMessage:F0} | {medians[layer].CpuMicrosecondsPerMessage:F1} |");
        }
    }

    if (arguments.ContainsKey("update-docs"))
    {
        GeneratedDocSection.Replace(RepositoryRoot.File("docs", "performance.md"), "decompose", decomposition.ToString());
    }

    return;
}

List<ThroughputRow> rows;
var runRatios = new Dictionary<int, List<double>>();
if (runs > 1 && !queueOnly)
{
    // Each run a fresh harness process (and sandbox process): the row shown per C is the run with the median ratio.
    var forwarded = new List<string> { "--queue-messages", "0", "--messages", $"{messages}", "--rounds", $"{rounds}", "--concurrency", string.Join(',', concurrencies) };
    if (outOfProcess)
    {
        forwarded.Add("--sandbox-process");
    }

    if (calibration > 0)
    {
        forwarded.AddRange(["--calibrate", busyArgument!]);
    }

    var perRun = new List<ThroughputRow[]>();
    for (var run = 0; run < runs; run++)
    {
        Console.WriteLine($"run {run + 1} of {runs}, in its own process:");
        perRun.Add(await ThroughputChild.RunAsync(forwarded));
    }

    rows = [.. concurrencies.Select(c => perRun.Select(r => r.Single(row => row.Concurrency == c)).OrderBy(row => row.Ratio).ElementAt(runs / 2))];
    foreach (var concurrency in concurrencies)
    {
        runRatios[concurrency] = [.. perRun.Select(r => r.Single(row => row.Concurrency == concurrency).Ratio)];
    }
}
else if (queueOnly)
{
    rows = [];
}
else
{
    rows = [];
    // Alternate the two, the order flipped every round; keep each one's median run and the median of the rounds' ratios
    // (each round's two runs are seconds apart, so a drift of the machine's speed cancels in their ratio).
    foreach (var concurrency in concurrencies)
    {
        var baselines = new List<RunResult>();
        var products = new List<RunResult>();
        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
            {
                baselines.Add(await LoadRunner.RunAsync("bare HttpClient", messages, concurrency, BaselineSend));
                products.Add(await LoadRunner.RunAsync("send service", messages, concurrency, measured));
            }
            else
            {
                products.Add(await LoadRunner.RunAsync("send service", messages, concurrency, measured));
                baselines.Add(await LoadRunner.RunAsync("bare HttpClient", messages, concurrency, BaselineSend));
            }
        }

        var baseline = baselines.OrderBy(r => r.PerSecond).ElementAt(rounds / 2);
        var product = products.OrderBy(r => r.PerSecond).ElementAt(rounds / 2);
        var roundRatios = products.Zip(baselines, (p, b) => p.PerSecond / b.PerSecond).ToArray();
        var added = await LoadRunner.RunPairedAsync(Math.Min(messages, 5000), concurrency, BaselineSend, measured);
        var row = ThroughputRow.From(baseline, product, roundRatios, added);
        rows.Add(row);
        runRatios[concurrency] = [row.Ratio];
        Console.WriteLine($"C={concurrency}: ratio of medians {row.Ratio:F2}, rounds' ratios p25/p50/p75 {row.RoundsP25:F2}/{row.RoundsP50:F2}/{row.RoundsP75:F2}");
    }

    if (childOutput is not null)
    {
        await File.WriteAllLinesAsync(childOutput, rows.Select(r => r.ToLine()));
        return;
    }
}

RunResult? withStatus = null;
if (azurite is not null)
{
    var statusConfiguration = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(new Dictionary<string, string?> { ["Webhooks:RecordStatus"] = "true" }).Build();
    var statusServices = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(statusConfiguration).AddSingleton<TokenCredential>(new FakeTokenCredential()).AddConversationSender(statusConfiguration);
    statusServices.AddAzureClients(clients => clients.ConfigureDefaults(o => o.Transport = new HttpClientTransport(vault.CreateTrustingHandler())));
    await using var statusProvider = statusServices.BuildServiceProvider();
    var statusSend = statusProvider.GetRequiredService<SendService>();
    await statusSend.SendAsync(body, CancellationToken.None);
    withStatus = await LoadRunner.RunAsync("send service + status record", Math.Min(messages, 5000), 16, async _ => await statusSend.SendAsync(body, CancellationToken.None) is SendOutcome.Accepted);
    Console.WriteLine($"with status recording: {withStatus.PerSecond:F0}/s");
}

RunResult? queueRun = null;
var storageRequests = new StorageRequestCounter();
if (azurite is not null)
{
    // The queue path with the product's defaults (status recording on), its storage requests counted on the wire.
    var queueConfiguration = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(new Dictionary<string, string?> { ["Webhooks:RecordStatus"] = "true" }).Build();
    var queueServices = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(queueConfiguration).AddSingleton<TokenCredential>(new FakeTokenCredential()).AddConversationSender(queueConfiguration);
    queueServices.AddAzureClients(clients => clients.ConfigureDefaults(o =>
    {
        o.Transport = new HttpClientTransport(vault.CreateTrustingHandler());
        o.AddPolicy(storageRequests, HttpPipelinePosition.PerCall);
    }));
    await using var queueProvider = queueServices.BuildServiceProvider();
    queueRun = await RunQueueAsync(queueProvider, azurite.ConnectionString, queueMessages, body, storageRequests);
    Console.WriteLine($"queue: {queueRun.PerSecond:F0}/s; per message {storageRequests.TableWrites / (double)queueRun.Messages:F2} table writes, {storageRequests.TableReads / (double)queueRun.Messages:F2} table reads, {storageRequests.QueueRequests / (double)queueRun.Messages:F2} queue requests");
}

var report = new StringBuilder();
report.AppendLine(GeneratedDocSection.MachineLine());
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"{(runs > 1 ? $"{runs} runs, each in a fresh harness process{(outOfProcess ? " with a fresh sandbox process" : "")}, one after another; per C the run with the median ratio is shown, and all runs' ratios. In each run: " : "")}{messages} messages per throughput run, baseline and product alternated {rounds} times per C, the order flipped every round (median runs shown; the rounds' ratios are each round's product ÷ bare); added latency from {Math.Min(messages, 5000)} paired requests per C (product − bare, per pair); sandbox on loopback {(outOfProcess ? "in its own process" : "in the same process (it competes with the client for the cores)")}; Key Vault fake with 100 ms reads.");
report.AppendLine();
report.AppendLine(calibration > 0 ? $"| C | bare HttpClient msg/s | bare + {calibration} µs busy msg/s |" + " ratio | runs' ratios | rounds' ratios p25 / p50 / p75 | added per request p50 / p95 / p99 (ms) | bytes/msg bare | bytes/msg product | added bytes/msg | harness process CPU µs/msg bare / product | failures |" : "| C | bare HttpClient msg/s | send service msg/s | ratio | runs' ratios | rounds' ratios p25 / p50 / p75 | added per request p50 / p95 / p99 (ms) | bytes/msg bare | bytes/msg product | added bytes/msg | harness process CPU µs/msg bare / product | failures |");
report.AppendLine("|---:|---:|---:|---:|---|---|---|---:|---:|---:|---:|---:|");
foreach (var row in rows)
{
    report.AppendLine(CultureInfo.InvariantCulture,
        $"| {row.Concurrency} | {row.BarePerSecond:F0} | {row.ProductPerSecond:F0} | {row.Ratio:F2} | {string.Join(" · ", runRatios[row.Concurrency].Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))} | {row.RoundsP25:F2} / {row.RoundsP50:F2} / {row.RoundsP75:F2} | {row.AddedP50Ms:F2} / {row.AddedP95Ms:F2} / {row.AddedP99Ms:F2} | {row.BareBytes:F0} | {row.ProductBytes:F0} | {row.ProductBytes - row.BareBytes:F0} | {row.BareCpuMicroseconds:F1} / {row.ProductCpuMicroseconds:F1} | {row.Failures} |");
}

report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"- First send after start: {first.Elapsed.TotalMilliseconds:F0} ms ({firstOutcome.GetType().Name}, JIT and first connections included); the four secret reads alone on a fresh store: {credentialRead.TotalMilliseconds:F0} ms with 100 ms per read (one after another would be ≥ 400 ms).");
report.AppendLine(CultureInfo.InvariantCulture, $"- Key Vault reads during all runs, by {(azurite is null ? 2 : 3)} separate service providers (the main one, the fresh store timed above{(azurite is null ? "" : ", the status run")}): {string.Join(", ", new[] { "sinch-project-id", "sinch-app-id", "sinch-key-id", "sinch-key-secret" }.Select(s => $"{s} {vault.ReadsOf(s)}"))}, i.e. one per secret per provider{(sandbox is null ? "" : $"; OAuth token requests: {sandbox.TokenRequests.Count - 1} by the product's providers that sent (+1 by the baseline's own client)")}.");
if (withStatus is not null)
{
    report.AppendLine(CultureInfo.InvariantCulture, $"- With each send recorded for the status lookup (one Azurite table write per send), C = 16: {withStatus.PerSecond:F0} msg/s, p50 {withStatus.Percentile(0.5):F2} ms, p99 {withStatus.Percentile(0.99):F2} ms ({withStatus.Messages} messages).");
}

if (queueRun is not null)
{
    report.AppendLine(CultureInfo.InvariantCulture, $"- Queue run: {queueRun.Messages} messages from Azurite through the queue function (16 at a time, defaults: idempotency and status recording on): {queueRun.PerSecond:F0} msg/s, p50 {queueRun.Percentile(0.5):F1} ms, p99 {queueRun.Percentile(0.99):F1} ms per message, {queueRun.Failures} failures; the product's own storage requests per message: {storageRequests.TableWrites / (double)queueRun.Messages:F2} table writes, {storageRequests.TableReads / (double)queueRun.Messages:F2} table reads, {storageRequests.QueueRequests / (double)queueRun.Messages:F2} queue requests (the host's receive and delete not included).");
}

Console.WriteLine();
Console.WriteLine(report);
if (arguments.TryGetValue("markdown", out var markdownPath) && markdownPath.Length > 0)
{
    await File.WriteAllTextAsync(markdownPath, report.ToString());
}

if (arguments.ContainsKey("update-docs"))
{
    GeneratedDocSection.Replace(RepositoryRoot.File("docs", "performance.md"), outOfProcess ? "load-harness-out-of-process" : "load-harness", report.ToString());
}

static async Task<string> FetchTokenAsync(HttpClient http, SandboxOptions sandbox)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token") { Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sandbox.KeyId}:{sandbox.KeySecret}")));
    using var response = await http.SendAsync(request);
    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    return json.RootElement.GetProperty("access_token").GetString()!;
}

static async Task<RunResult> RunQueueAsync(IServiceProvider provider, string connectionString, int count, BinaryData body, StorageRequestCounter counter)
{
    var producer = provider.GetRequiredService<StorageClientFactory>().CreateQueue("load-run");
    await producer.CreateIfNotExistsAsync();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) => await producer.SendMessageAsync(body, cancellationToken: ct));

    // The tables exist before counting starts (created once per process, not per message).
    await provider.GetRequiredService<StorageClientFactory>().GetTableAsync(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConversationSender.Idempotency.IdempotencyOptions>>().Value.TableName, CancellationToken.None);
    await provider.GetRequiredService<StorageClientFactory>().GetTableAsync(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConversationSender.Tracking.StatusTrackingOptions>>().Value.StatusTableName, CancellationToken.None);
    counter.Reset();

    var raw = new QueueClient(connectionString, "load-run");
    var function = ActivatorUtilities.CreateInstance<SendMessageQueueFunction>(provider);
    var batches = new System.Collections.Concurrent.ConcurrentQueue<QueueMessage>();
    var done = 0;
    return await LoadRunner.RunAsync("queue", count, 16, async _ =>
    {
        QueueMessage? message = null;
        while (message is null)
        {
            if (!batches.TryDequeue(out message))
            {
                foreach (var received in (await raw.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value)
                {
                    batches.Enqueue(received);
                }
            }
        }

        var decoded = BinaryData.FromBytes(Convert.FromBase64String(message.Body.ToString()));
        try
        {
            await function.RunAsync(QueuesModelFactory.QueueMessage(message.MessageId, message.PopReceipt, decoded, message.DequeueCount, message.NextVisibleOn, message.InsertedOn, message.ExpiresOn), CancellationToken.None);
            await raw.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            Interlocked.Increment(ref done);
            return true;
        }
        catch (MessageNotSentException)
        {
            return false;
        }
    });
}
