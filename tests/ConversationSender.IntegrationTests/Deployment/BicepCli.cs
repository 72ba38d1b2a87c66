using System.Diagnostics;
using System.Reflection;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>The Bicep CLI from the Azure.Bicep.CommandLine NuGet package: works offline (no registry modules).</summary>
internal static class BicepCli
{
    public static string Path { get; } = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepCli").Value!;

    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] args)
    {
        Assert.True(File.Exists(Path), $"The Bicep CLI is missing at {Path}; dotnet restore brings it (Azure.Bicep.CommandLine.linux-x64).");
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryRoot.Path };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, await errors);
    }
}
