using BenchmarkDotNet.Running;
using ConversationSender.Testing;

// dotnet run -c Release --project tests/ConversationSender.Benchmarks -- --filter '*' [--update-docs]
// With --update-docs, BenchmarkDotNet's own GitHub-flavoured report is pasted verbatim into docs/performance.md.
var updateDocs = args.Contains("--update-docs");
var summaries = BenchmarkSwitcher.FromAssembly(typeof(ConversationSender.Benchmarks.SendPathBenchmarks).Assembly).Run([.. args.Where(a => a != "--update-docs")]);
if (updateDocs)
{
    foreach (var summary in summaries)
    {
        var report = Directory.GetFiles(summary.ResultsDirectoryPath, "*-report-github.md").Single();
        GeneratedDocSection.Replace(RepositoryRoot.File("docs", "performance.md"), "benchmarks", $"{GeneratedDocSection.MachineLine()}\n\n{File.ReadAllText(report)}");
    }
}
