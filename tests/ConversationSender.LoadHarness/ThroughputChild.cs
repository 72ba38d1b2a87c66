using System.Diagnostics;

namespace ConversationSender.LoadHarness;

/// <summary>
/// Runs the throughput comparison in a fresh harness process (with its own sandbox process, if asked), so that the
/// report can take the median of several processes: one process's code layout, thread placement and connection
/// pools tilt all its rounds the same way, by a few percent, which more rounds in that process do not average out.
/// </summary>
internal static class ThroughputChild
{
    public const string Flag = "--throughput-child";

    public static async Task<ThroughputRow[]> RunAsync(IEnumerable<string> arguments)
    {
        var output = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(typeof(ThroughputChild).Assembly.Location);
            start.ArgumentList.Add(Flag);
            start.ArgumentList.Add(output);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("The throughput run's process did not start.");
            process.OutputDataReceived += (_, line) =>
            {
                if (line.Data is { Length: > 0 } text)
                {
                    Console.WriteLine("  " + text);
                }
            };
            process.BeginOutputReadLine();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"The throughput run's process exited {process.ExitCode}: {await error}");
            }

            return [.. (await File.ReadAllLinesAsync(output)).Where(l => l.Length > 0).Select(ThroughputRow.Parse)];
        }
        finally
        {
            File.Delete(output);
        }
    }
}
