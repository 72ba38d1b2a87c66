using System.Globalization;
using System.Text;
using ConversationSender.Testing;

namespace ConversationSender.LoadHarness;

/// <summary>The throughput comparison's report, as printed and as written into docs/performance.md.</summary>
internal static class LoadReport
{
    public static string Build(
        SendRig rig,
        int runs,
        int messages,
        int rounds,
        bool outOfProcess,
        double calibration,
        IReadOnlyList<ThroughputRow> rows,
        Dictionary<int, List<double>> runRatios,
        FirstSend first,
        RunResult? withStatus,
        RunResult? queueRun,
        StorageRequestCounter storageRequests)
    {
        var azurite = rig.Azurite;
        var sandbox = rig.Sandbox;
        var vault = rig.Vault;
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
        report.AppendLine(CultureInfo.InvariantCulture, $"- First send after start: {first.Elapsed.TotalMilliseconds:F0} ms ({first.Outcome.GetType().Name}, JIT and first connections included); the four secret reads alone on a fresh store: {first.CredentialRead.TotalMilliseconds:F0} ms with 100 ms per read (one after another would be ≥ 400 ms).");
        report.AppendLine(CultureInfo.InvariantCulture, $"- Key Vault reads during all runs, by {2 + (withStatus is null ? 0 : 1) + (queueRun is null ? 0 : 1)} separate service providers (the main one, the fresh store timed above{(withStatus is null ? "" : ", the status run")}{(queueRun is null ? "" : ", the queue run")}): {string.Join(", ", new[] { "sinch-project-id", "sinch-app-id", "sinch-key-id", "sinch-key-secret" }.Select(s => $"{s} {vault.ReadsOf(s)}"))}, i.e. one per secret per provider{(sandbox is null ? "" : $"; OAuth token requests: {sandbox.TokenRequests.Count - 1} by the product's providers that sent (+1 by the baseline's own client)")}.");
        if (withStatus is not null)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"- With each send recorded for the status lookup (one Azurite table write per send), C = 16: {withStatus.PerSecond:F0} msg/s, p50 {withStatus.Percentile(0.5):F2} ms, p99 {withStatus.Percentile(0.99):F2} ms ({withStatus.Messages} messages).");
        }

        if (queueRun is not null)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"- Queue run: {queueRun.Messages} messages from Azurite through the queue function (16 at a time, defaults: idempotency, status recording and the opt-out check on): {queueRun.PerSecond:F0} msg/s, p50 {queueRun.Percentile(0.5):F1} ms, p99 {queueRun.Percentile(0.99):F1} ms per message, {queueRun.Failures} failures; the product's own storage requests per message: {storageRequests.TableWrites / (double)queueRun.Messages:F2} table writes, {storageRequests.TableReads / (double)queueRun.Messages:F2} table reads, {storageRequests.QueueRequests / (double)queueRun.Messages:F2} queue requests (the host's receive and delete not included).");
        }

        return report.ToString();
    }
}
