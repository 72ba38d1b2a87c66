namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// Network isolation in the compiled template: public endpoints only without a VNet; with one, the app is integrated
/// and storage and the vault sit behind private endpoints.
/// </summary>
public sealed class NetworkIsolationTemplateTests : InfraTemplateTest
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Key_vault_and_storage_accept_public_traffic_only_without_network_isolation(bool vnetEnabled)
    {
        var main = MainWith(await CompiledInfra.MainAsync(), new() { ["vnetEnabled"] = vnetEnabled });
        var keyVault = main.Module("keyvault");
        var vault = (Dictionary<string, object?>)keyVault.Evaluate(keyVault.Resource("Microsoft.KeyVault/vaults")["properties"])!;
        var storageModule = main.Module("storage");
        var account = (Dictionary<string, object?>)storageModule.Evaluate(storageModule.Resource("Microsoft.Storage/storageAccounts")["properties"])!;

        Assert.True((bool)vault["enableRbacAuthorization"]!);
        Assert.True((bool)vault["enableSoftDelete"]!);
        Assert.False(vault.ContainsKey("accessPolicies"));
        Assert.Equal(vnetEnabled ? "Disabled" : "Enabled", vault["publicNetworkAccess"]);
        Assert.Equal(vnetEnabled ? "Disabled" : "Enabled", account["publicNetworkAccess"]);
        Assert.Equal(vnetEnabled ? "Deny" : "Allow", ((Dictionary<string, object?>)account["networkAcls"]!)["defaultAction"]);

        // Without a VNet a Flex app reaches the vault over its public endpoint: a Deny default would lock it out.
        Assert.Equal(vnetEnabled ? "Deny" : null, (vault["networkAcls"] as Dictionary<string, object?>)?["defaultAction"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Network_isolation_integrates_the_app_and_puts_storage_and_the_vault_behind_private_endpoints(bool vnetEnabled)
    {
        var compiled = await CompiledInfra.MainAsync();
        var main = MainWith(compiled, new() { ["vnetEnabled"] = vnetEnabled });
        var networkDeployment = AllDeployments(compiled).Single(d => d["name"]!.GetValue<string>() == "network");
        var app = main.Module("app");
        var site = (Dictionary<string, object?>)app.Evaluate(app.Resource("Microsoft.Web/sites")["properties"])!;

        Assert.Equal(vnetEnabled, main.Evaluate(networkDeployment["condition"]));
        Assert.Equal(vnetEnabled, site["virtualNetworkSubnetId"] is string { Length: > 0 });
        var network = networkDeployment["properties"]!["template"]!;
        var endpoints = network["variables"]!["endpoints"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["blob", "queue", "table", "vault"], endpoints);
        Assert.Contains(Resources(network), r => r["type"]!.GetValue<string>() == "Microsoft.Network/privateEndpoints/privateDnsZoneGroups");
        Assert.Contains(Resources(network), r => r["type"]!.GetValue<string>() == "Microsoft.Network/privateDnsZones/virtualNetworkLinks");
        var subnets = Single(Resources(network), "Microsoft.Network/virtualNetworks")["properties"]!["subnets"]!.AsArray();
        Assert.Contains(subnets, s => s!["properties"]!["delegations"]?[0]?["properties"]?["serviceName"]?.GetValue<string>() == "Microsoft.App/environments");
        Assert.Equal("${VNET_ENABLED=false}", Parameters()["vnetEnabled"]!["value"]!.GetValue<string>());
    }
}
