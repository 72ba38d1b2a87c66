using System.Text.Json.Nodes;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// What the tests of the compiled infra/ template share: queries over its resources, nested deployments and
/// parameters. Each reads its own copy of the template (<see cref="CompiledInfra.MainAsync"/>, built once per run).
/// </summary>
public abstract class InfraTemplateTest
{
    private protected static ArmTemplate MainWith(JsonObject compiled, Dictionary<string, object?> parameters)
    {
        parameters.TryAdd("environmentName", "dev");
        parameters.TryAdd("location", "swedencentral");
        parameters.TryAdd("principalId", "00000000-user");
        return new ArmTemplate(compiled, parameters, v => v.ToString());
    }

    private protected static JsonObject Parameters() =>
        JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("infra", "main.parameters.json")))!["parameters"]!.AsObject();

    private protected static JsonObject Single(IEnumerable<JsonObject> resources, string type) =>
        Assert.Single(resources, r => r["type"]!.GetValue<string>() == type);

    private protected static IEnumerable<JsonObject> AllDeployments(JsonObject template) =>
        Resources(template).Where(r => r["type"]!.GetValue<string>() == "Microsoft.Resources/deployments")
            .SelectMany(d => new[] { d }.Concat(AllDeployments(d["properties"]!["template"]!.AsObject())));

    private protected static List<JsonObject> AllResources(JsonObject template) =>
        [.. Resources(template).Concat(AllDeployments(template).SelectMany(d => Resources(d["properties"]!["template"]!.AsObject())))];

    private protected static IEnumerable<JsonObject> Resources(JsonNode template) => template["resources"] switch
    {
        JsonArray list => list.Select(r => r!.AsObject()),
        JsonObject map => map.Select(p => p.Value!.AsObject()),
        _ => [],
    };
}
