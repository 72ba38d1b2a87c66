namespace ConversationSender.LoadHarness;

/// <summary>
/// The bare client and the product alternated per C: either here, or in several fresh processes one after another
/// with the run of the median ratio shown per C. Each row comes with every run's ratio.
/// </summary>
internal static class ThroughputComparison
{
    public static async Task<(List<ThroughputRow> Rows, Dictionary<int, List<double>> RunRatios)> InChildProcessesAsync(
        int runs, int messages, int rounds, int[] concurrencies, bool outOfProcess, double calibration, string? busyArgument)
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

        var runRatios = new Dictionary<int, List<double>>();
        List<ThroughputRow> rows = [.. concurrencies.Select(c => perRun.Select(r => r.Single(row => row.Concurrency == c)).OrderBy(row => row.Ratio).ElementAt(runs / 2))];
        foreach (var concurrency in concurrencies)
        {
            runRatios[concurrency] = [.. perRun.Select(r => r.Single(row => row.Concurrency == concurrency).Ratio)];
        }

        return (rows, runRatios);
    }

    public static async Task<(List<ThroughputRow> Rows, Dictionary<int, List<double>> RunRatios)> InThisProcessAsync(
        int messages, int rounds, int[] concurrencies, Func<int, Task<bool>> baselineSend, Func<int, Task<bool>> measured)
    {
        var rows = new List<ThroughputRow>();
        var runRatios = new Dictionary<int, List<double>>();

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
                    baselines.Add(await LoadRunner.RunAsync("bare HttpClient", messages, concurrency, baselineSend));
                    products.Add(await LoadRunner.RunAsync("send service", messages, concurrency, measured));
                }
                else
                {
                    products.Add(await LoadRunner.RunAsync("send service", messages, concurrency, measured));
                    baselines.Add(await LoadRunner.RunAsync("bare HttpClient", messages, concurrency, baselineSend));
                }
            }

            var baseline = baselines.OrderBy(r => r.PerSecond).ElementAt(rounds / 2);
            var product = products.OrderBy(r => r.PerSecond).ElementAt(rounds / 2);
            var roundRatios = products.Zip(baselines, (p, b) => p.PerSecond / b.PerSecond).ToArray();
            var added = await LoadRunner.RunPairedAsync(Math.Min(messages, 5000), concurrency, baselineSend, measured);
            var row = ThroughputRow.From(baseline, product, roundRatios, added);
            rows.Add(row);
            runRatios[concurrency] = [row.Ratio];
            Console.WriteLine($"C={concurrency}: ratio of medians {row.Ratio:F2}, rounds' ratios p25/p50/p75 {row.RoundsP25:F2}/{row.RoundsP50:F2}/{row.RoundsP75:F2}");
        }

        return (rows, runRatios);
    }
}
