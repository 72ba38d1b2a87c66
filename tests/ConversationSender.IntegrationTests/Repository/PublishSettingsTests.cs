using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ConversationSender.IntegrationTests.Repository;

/// <summary>
/// What <c>dotnet publish</c> (and so <c>azd deploy</c>) makes of the Functions project: ReadyToRun code for Flex
/// Consumption's linux-x64, framework-dependent; a plain build stays portable, so that <c>func start</c> runs anywhere.
/// Read from MSBuild's own evaluation, not by publishing (that takes a minute): <c>dotnet publish</c> evaluates with
/// the SDK's <c>_IsPublishing=true</c>, which the SDK (not the project) uses to apply <c>PublishRuntimeIdentifier</c>.
/// </summary>
public sealed class PublishSettingsTests
{
    private static readonly string[] Properties = ["PublishReadyToRun", "RuntimeIdentifier", "SelfContained", "PublishRuntimeIdentifier"];

    [Fact]
    public async Task Publishing_precompiles_for_linux_x64_and_a_build_stays_portable()
    {
        var published = await EvaluateAsync(publishing: true);
        var built = await EvaluateAsync(publishing: false);

        Assert.Equal("true", published["PublishReadyToRun"], ignoreCase: true);
        Assert.Equal("linux-x64", published["RuntimeIdentifier"]);
        Assert.Equal("false", published["SelfContained"], ignoreCase: true);
        Assert.Equal("", built["RuntimeIdentifier"]);
        Assert.Equal("false", built["SelfContained"], ignoreCase: true);
    }

    [Fact]
    public void The_project_does_not_read_the_sdks_internal_publishing_flag()
    {
        var project = File.ReadAllText(RepositoryRoot.File("src", "ConversationSender.Functions", "ConversationSender.Functions.csproj"));

        Assert.DoesNotContain("_IsPublishing", project, StringComparison.Ordinal);
        Assert.Contains("<PublishRuntimeIdentifier>linux-x64</PublishRuntimeIdentifier>", project, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, string>> EvaluateAsync(bool publishing)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot.Path };
        foreach (var argument in new[] { "msbuild", Path.Combine("src", "ConversationSender.Functions", "ConversationSender.Functions.csproj"), "-nologo" }
            .Concat(Properties.Select(p => $"-getProperty:{p}"))
            .Concat(publishing ? ["-p:_IsPublishing=true"] : []))
        {
            start.ArgumentList.Add(argument);
        }

        using var msbuild = Process.Start(start)!;
        var output = await msbuild.StandardOutput.ReadToEndAsync();
        await msbuild.WaitForExitAsync();
        Assert.True(msbuild.ExitCode == 0, $"dotnet msbuild failed: {output}{await msbuild.StandardError.ReadToEndAsync()}");
        var values = JsonNode.Parse(output)!["Properties"]!.AsObject();
        return Properties.ToDictionary(p => p, p => values[p]?.GetValue<string>() ?? "");
    }
}
