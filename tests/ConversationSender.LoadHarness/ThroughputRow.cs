using System.Globalization;

namespace ConversationSender.LoadHarness;

/// <summary>
/// One concurrency's comparison in one harness process: each path's median run, the rounds' own ratios, the added
/// latency per request. A line of text, so that a run in a child process can hand it to the parent.
/// </summary>
internal sealed record ThroughputRow(
    int Concurrency,
    double BarePerSecond,
    double ProductPerSecond,
    double RoundsP25,
    double RoundsP50,
    double RoundsP75,
    double AddedP50Ms,
    double AddedP95Ms,
    double AddedP99Ms,
    double BareBytes,
    double ProductBytes,
    double BareCpuMicroseconds,
    double ProductCpuMicroseconds,
    int Failures)
{
    public double Ratio => ProductPerSecond / BarePerSecond;

    public static ThroughputRow From(RunResult baseline, RunResult product, double[] roundRatios, double[] added) => new(
        baseline.Concurrency,
        baseline.PerSecond,
        product.PerSecond,
        LoadRunner.Percentile(roundRatios, 0.25),
        LoadRunner.Percentile(roundRatios, 0.5),
        LoadRunner.Percentile(roundRatios, 0.75),
        LoadRunner.Percentile(added, 0.5),
        LoadRunner.Percentile(added, 0.95),
        LoadRunner.Percentile(added, 0.99),
        baseline.BytesPerMessage,
        product.BytesPerMessage,
        baseline.CpuMicrosecondsPerMessage,
        product.CpuMicrosecondsPerMessage,
        baseline.Failures + product.Failures);

    public string ToLine() => string.Join('\t', new double[]
    {
        Concurrency, BarePerSecond, ProductPerSecond, RoundsP25, RoundsP50, RoundsP75, AddedP50Ms, AddedP95Ms, AddedP99Ms,
        BareBytes, ProductBytes, BareCpuMicroseconds, ProductCpuMicroseconds, Failures,
    }.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    public static ThroughputRow Parse(string line)
    {
        var v = line.Split('\t').Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new ThroughputRow((int)v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], (int)v[13]);
    }
}
