namespace ConversationSender.LoadHarness;

/// <summary>One timed run: throughput, latency percentiles (ms), bytes allocated and this process's CPU time per message.</summary>
internal sealed record RunResult(string Name, int Messages, int Concurrency, double Seconds, double[] LatenciesMs, long AllocatedBytes, int Failures, TimeSpan Cpu)
{
    public double PerSecond => Messages / Seconds;

    public double BytesPerMessage => (double)AllocatedBytes / Messages;

    public double CpuMicrosecondsPerMessage => Cpu.TotalMicroseconds / Messages;

    public double Percentile(double p) => LoadRunner.Percentile(LatenciesMs, p);
}
