using System.Diagnostics;
using System.Globalization;
using System.Text;
using ConversationSender.Testing;
using ConversationSender.Validation;

namespace ConversationSender.Benchmarks;

/// <summary>
/// The slowest hostile case per field: each case validated 20 times after a warm-up, its fastest run kept (the
/// least disturbed by the machine), then the slowest case of each field, slowest fields first.
/// </summary>
public static class HostileInputTriage
{
    public static string Run(int top = 15)
    {
        var cases = HostileInputBenchmarks.Cases();
        var timed = new List<(HostileInputCase Case, double Microseconds)>();
        foreach (var hostile in cases)
        {
            var body = BinaryData.FromString(hostile.Json);
            OutboundMessageValidator.Validate(body, out _);
            var best = double.MaxValue;
            for (var i = 0; i < 20; i++)
            {
                var clock = Stopwatch.StartNew();
                OutboundMessageValidator.Validate(body, out _);
                best = Math.Min(best, clock.Elapsed.TotalMicroseconds);
            }

            timed.Add((hostile, best));
        }

        var perField = timed.GroupBy(t => t.Case.Field).Select(g => g.MaxBy(t => t.Microseconds)).OrderByDescending(t => t.Microseconds).ToList();
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{cases.Count} cases over {perField.Count} fields; the {top} slowest fields, each with its slowest kind of value (fastest of 20 runs):");
        table.AppendLine();
        table.AppendLine("| field | slowest value | validation |");
        table.AppendLine("| --- | --- | ---: |");
        foreach (var (hostile, microseconds) in perField.Take(top))
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| `{hostile.Field}` | {hostile.Kind} | {microseconds:F0} µs |");
        }

        table.AppendLine();
        table.AppendLine(CultureInfo.InvariantCulture, $"Fastest field's slowest case: {perField[^1].Microseconds:F0} µs (`{perField[^1].Case.Field}`).");
        return table.ToString();
    }
}
