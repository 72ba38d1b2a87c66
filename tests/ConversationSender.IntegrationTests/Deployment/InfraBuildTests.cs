using System.Text.Json.Nodes;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// infra/ builds and lints clean with the Bicep CLI, and azd deploys the functions project, tagged on the site alone.
/// </summary>
public sealed class InfraBuildTests : InfraTemplateTest
{
    [Fact]
    public async Task Bicep_builds_without_warnings()
    {
        var (exitCode, _, errors) = await BicepCli.RunAsync("build", "infra/main.bicep", "--stdout");

        Assert.Equal(0, exitCode);
        Assert.Equal("", errors.Trim());
    }

    [Fact]
    public async Task Bicep_lints_without_warnings()
    {
        var (exitCode, output, errors) = await BicepCli.RunAsync("lint", "infra/main.bicep");

        Assert.Equal(0, exitCode);
        Assert.Equal("", (output + errors).Trim());
    }

    [Fact]
    public void Azd_deploys_the_functions_project()
    {
        var azure = File.ReadAllText(RepositoryRoot.File("azure.yaml"));

        Assert.Matches(@"(?m)^\s+project: \./src/ConversationSender\.Functions/?$", azure);
        Assert.Matches(@"(?m)^\s+host: function$", azure);
        var parameters = JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("infra", "main.parameters.json")))!["parameters"]!.AsObject();
        Assert.Contains("environmentName", parameters.Select(p => p.Key));
        Assert.Contains("principalId", parameters.Select(p => p.Key));
    }

    [Fact]
    public async Task Only_the_site_carries_the_azd_service_tag()
    {
        var main = new ArmTemplate(await CompiledInfra.MainAsync(), new Dictionary<string, object?> { ["environmentName"] = "tags", ["location"] = "swedencentral" }, v => v.ToString());
        var tagged = new List<string>();
        foreach (var module in AllDeployments(await CompiledInfra.MainAsync()).Select(d => d["name"]!.GetValue<string>()))
        {
            var template = main.Module(module);
            tagged.AddRange(template.Resources()
                .Where(r => r["tags"] is not null && ((Dictionary<string, object?>)template.Evaluate(r["tags"])!).ContainsKey("azd-service-name"))
                .Select(r => r["type"]!.GetValue<string>()));
        }

        Assert.Equal(["Microsoft.Web/sites"], tagged);
    }
}
