using System.Diagnostics;

namespace ConversationSender.LoadHarness;

/// <summary>Runs N operations with C workers and times each one.</summary>
internal static class LoadRunner
{
    public static async Task<RunResult> RunAsync(string name, int messages, int concurrency, Func<int, Task<bool>> operation)
    {
        var latencies = new double[messages];
        var next = -1;
        var failures = 0;
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages)
            {
                var started = Stopwatch.GetTimestamp();
                if (!await operation(i))
                {
                    Interlocked.Increment(ref failures);
                }

                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        await Task.WhenAll(workers);
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        return new RunResult(name, messages, concurrency, clock.Elapsed.TotalSeconds, latencies, allocated, failures, process.TotalProcessorTime - cpuBefore);
    }

    /// <summary>
    /// What the product adds to each request: C workers each send a pair (bare, then product; the order flips every
    /// pair so neither always runs on a warmer connection) and record product − bare for that pair. Percentiles of
    /// these differences are the added latency per request; a difference of two runs' percentiles is not.
    /// </summary>
    public static async Task<double[]> RunPairedAsync(int pairs, int concurrency, Func<int, Task<bool>> baseline, Func<int, Task<bool>> product)
    {
        var added = new double[pairs];
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < pairs)
            {
                var (first, second) = i % 2 == 0 ? (baseline, product) : (product, baseline);
                var firstStarted = Stopwatch.GetTimestamp();
                await first(i);
                var firstTook = Stopwatch.GetElapsedTime(firstStarted).TotalMilliseconds;
                var secondStarted = Stopwatch.GetTimestamp();
                await second(i);
                var secondTook = Stopwatch.GetElapsedTime(secondStarted).TotalMilliseconds;
                added[i] = i % 2 == 0 ? secondTook - firstTook : firstTook - secondTook;
            }
        }));
        await Task.WhenAll(workers);
        return added;
    }

    public static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
