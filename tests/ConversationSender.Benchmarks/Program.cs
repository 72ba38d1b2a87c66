using BenchmarkDotNet.Running;
using ConversationSender.Benchmarks;
using ConversationSender.Testing;

// dotnet run -c Release --project tests/ConversationSender.Benchmarks -- --filter '*' [--update-docs]
// With --update-docs, BenchmarkDotNet's own GitHub-flavoured report is pasted verbatim into docs/performance.md,
// each benchmark class into its own section; HostileInputBenchmarks adds the slowest-case-per-field triage.
var updateDocs = args.Contains("--update-docs");
var summaries = BenchmarkSwitcher.FromAssembly(typeof(SendPathBenchmarks).Assembly).Run([.. args.Where(a => a != "--update-docs")]);
foreach (var summary in summaries)
{
    var benchmark = summary.BenchmarksCases.FirstOrDefault()?.Descriptor.Type;
    if (benchmark is null)
    {
        continue;
    }

    var triage = benchmark == typeof(HostileInputBenchmarks) ? HostileInputTriage.Run() : null;
    if (triage is not null)
    {
        Console.WriteLine(triage);
    }

    if (updateDocs)
    {
        var report = File.ReadAllText(Directory.GetFiles(summary.ResultsDirectoryPath, "*-report-github.md").Single(f => f.Contains(benchmark.Name, StringComparison.Ordinal)));
        var section = benchmark == typeof(HostileInputBenchmarks) ? "hostile-input"
            : benchmark == typeof(SendServiceBenchmarks) ? "send-service-benchmarks"
            : "benchmarks";
        GeneratedDocSection.Replace(RepositoryRoot.File("docs", "performance.md"), section, $"{GeneratedDocSection.MachineLine()}\n\n{report}\n{triage}");
    }
}
