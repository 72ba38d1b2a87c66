namespace ConversationSender.LoadHarness;

/// <summary>One timed run: throughput, latency percentiles (ms) and bytes allocated per message.</summary>
internal sealed record RunResult(string Name, int Messages, int Concurrency, double Seconds, double[] LatenciesMs, long AllocatedBytes, int Failures)
{
    public double PerSecond => Messages / Seconds;

    public double BytesPerMessage => (double)AllocatedBytes / Messages;

    public double Percentile(double p) => LoadRunner.Percentile(LatenciesMs, p);
}
