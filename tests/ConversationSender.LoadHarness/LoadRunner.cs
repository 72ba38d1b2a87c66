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
        return new RunResult(name, messages, concurrency, clock.Elapsed.TotalSeconds, latencies, allocated, failures);
    }
}
