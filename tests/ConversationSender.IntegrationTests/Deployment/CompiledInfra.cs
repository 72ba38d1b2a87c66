using System.Text.Json.Nodes;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>infra/main.bicep compiled once per test run by the Bicep CLI (what ARM receives from <c>azd up</c>).</summary>
internal static class CompiledInfra
{
    private static readonly Lazy<Task<JsonObject>> Main = new(async () =>
    {
        var (exitCode, output, errors) = await BicepCli.RunAsync("build", "infra/main.bicep", "--stdout");
        Assert.True(exitCode == 0, errors);
        return JsonNode.Parse(output)!.AsObject();
    });

    /// <summary>A fresh copy each time, so that no test can change what another reads.</summary>
    public static async Task<JsonObject> MainAsync() => (JsonObject)(await Main.Value).DeepClone();
}
