namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// The Key Vault in the compiled template: purge protection by environment, and the Sinch secrets seeded from secure
/// parameters only when given.
/// </summary>
public sealed class KeyVaultTemplateTests : InfraTemplateTest
{
    [Theory]
    [InlineData("", null, null)]
    [InlineData("", "dev", null)]
    [InlineData("", "prod", true)]
    [InlineData("true", "dev", true)]
    [InlineData("false", "prod", null)]
    public async Task Purge_protection_is_on_in_prod_off_in_dev_and_absent_not_false_when_off(string parameter, string? environmentType, bool? expected)
    {
        var parameters = new Dictionary<string, object?> { ["environmentName"] = "dev", ["location"] = "swedencentral", ["keyVaultPurgeProtection"] = parameter };
        if (environmentType is not null)
        {
            parameters["environmentType"] = environmentType;
        }

        var keyVault = new ArmTemplate(await CompiledInfra.MainAsync(), parameters, v => v.ToString()).Module("keyvault");
        var properties = (Dictionary<string, object?>)keyVault.Evaluate(keyVault.Resource("Microsoft.KeyVault/vaults")["properties"])!;

        // Azure refuses enablePurgeProtection=false on a vault that once had it on; absent is the only safe "off".
        Assert.Equal(expected, properties["enablePurgeProtection"]);
        Assert.Equal("${KEY_VAULT_PURGE_PROTECTION=}", Parameters()["keyVaultPurgeProtection"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_five_secrets_are_seeded_from_secure_parameters_only_when_given()
    {
        var compiled = await CompiledInfra.MainAsync();
        var names = new Dictionary<string, string>
        {
            ["sinchProjectId"] = "sinch-project-id",
            ["sinchAppId"] = "sinch-app-id",
            ["sinchKeyId"] = "sinch-key-id",
            ["sinchKeySecret"] = "sinch-key-secret",
            ["sinchWebhookSecret"] = "sinch-webhook-secret",
        };
        var given = names.Keys.ToDictionary(p => p, p => (object?)(p == "sinchAppId" ? "" : "value-of-" + p));
        given["environmentName"] = "secrets";
        given["location"] = "swedencentral";

        var keyVault = new ArmTemplate(compiled, given, v => v.ToString()).Module("keyvault");
        var secrets = (Dictionary<string, object?>)keyVault.Parameter("secrets")!;

        Assert.Equal(names.Values.Order(), secrets.Keys.Order());
        Expect.All(names, n => Assert.Equal(given[n.Key], secrets[n.Value]));
        Expect.All(names.Keys, p => Assert.Equal("securestring", compiled["parameters"]![p]!["type"]!.GetValue<string>(), ignoreCase: true));
        Expect.All(names.Keys, p => Assert.Equal("", compiled["parameters"]![p]!["defaultValue"]!.GetValue<string>()));
        Expect.All(names.Keys, p => Assert.Matches(@"^\$\{SINCH_[A-Z_]+=\}$", Parameters()[p]!["value"]!.GetValue<string>()));

        // One control-plane secret per entry, skipped when its value is empty: a private vault gets them through ARM.
        var template = AllDeployments(compiled).Single(d => d["name"]!.GetValue<string>() == "keyvault")["properties"]!["template"]!;
        var seeded = Single(Resources(template), "Microsoft.KeyVault/vaults/secrets");
        Assert.Equal("[length(items(parameters('secrets')))]", seeded["copy"]!["count"]!.GetValue<string>());
        Assert.Equal("[not(empty(items(parameters('secrets'))[copyIndex()].value))]", seeded["condition"]!.GetValue<string>());
        Assert.Equal("[items(parameters('secrets'))[copyIndex()].value]", seeded["properties"]!["value"]!.GetValue<string>());
        Assert.Equal("secureObject", template["parameters"]!["secrets"]!["type"]!.GetValue<string>(), ignoreCase: true);
        Assert.DoesNotContain("secrets", (template["outputs"]?.AsObject() ?? []).Select(o => o.Key));
    }
}
