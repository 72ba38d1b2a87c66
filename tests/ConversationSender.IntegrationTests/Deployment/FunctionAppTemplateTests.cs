using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// The function app in the compiled template: Flex Consumption, Linux, .NET 10, HTTPS only, identity-based settings,
/// the measured size and concurrency.
/// </summary>
public sealed partial class FunctionAppTemplateTests : InfraTemplateTest
{
    [Fact]
    public async Task The_function_app_is_flex_consumption_linux_dotnet_10_https_only()
    {
        var resources = AllResources(await CompiledInfra.MainAsync());
        var plan = Single(resources, "Microsoft.Web/serverfarms");
        var site = Single(resources, "Microsoft.Web/sites");

        Assert.Equal("FC1", plan["sku"]!["name"]!.GetValue<string>());
        Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.GetValue<string>());
        Assert.True(plan["properties"]!["reserved"]!.GetValue<bool>());
        Assert.Equal("functionapp,linux", site["kind"]!.GetValue<string>());
        Assert.Equal("UserAssigned", site["identity"]!["type"]!.GetValue<string>());
        var properties = site["properties"]!;
        Assert.True(properties["httpsOnly"]!.GetValue<bool>());
        Assert.Equal("1.2", properties["siteConfig"]!["minTlsVersion"]!.GetValue<string>());
        var config = properties["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", config["runtime"]!["name"]!.GetValue<string>());
        Assert.Equal("10.0", config["runtime"]!["version"]!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", config["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>());
        Expect.All(resources.Where(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites/basicPublishingCredentialsPolicies"), p => Assert.False(p["properties"]!["allow"]!.GetValue<bool>()));
    }

    /// <summary>
    /// Settings and site properties that Flex Consumption refuses or ignores: "Flex Consumption plan deprecations" in the
    /// app settings reference, https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations.
    /// </summary>
    private static readonly string[] FlexDeprecated =
    [
        "ENABLE_ORYX_BUILD", "FUNCTIONS_EXTENSION_VERSION", "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_WORKER_RUNTIME_VERSION",
        "FUNCTIONS_MAX_HTTP_CONCURRENCY", "FUNCTIONS_WORKER_PROCESS_COUNT", "FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED",
        "SCM_DO_BUILD_DURING_DEPLOYMENT", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTOVERVNET", "WEBSITE_CONTENTSHARE",
        "WEBSITE_DNS_SERVER", "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT", "WEBSITE_NODE_DEFAULT_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_SKIP_CONTENTSHARE_VALIDATION", "WEBSITE_VNET_ROUTE_ALL",
        "containerSize", "ftpsState", "isReserved", "IsXenon", "javaVersion", "LinuxFxVersion", "netFrameworkVersion", "powerShellVersion",
        "functionAppScaleLimit", "functionsRuntimeScaleMonitoringEnabled", "preWarmedInstanceCount", "use32BitWorkerProcess", "windowsFxVersion",
    ];

    [Fact]
    public async Task The_site_sets_nothing_on_the_flex_consumption_deprecation_list()
    {
        var resources = AllResources(await CompiledInfra.MainAsync());
        var site = Single(resources, "Microsoft.Web/sites")["properties"]!.AsObject();
        var settings = Single(resources, "Microsoft.Web/sites/config")["properties"]!.AsObject();
        var names = site.Select(p => p.Key).Concat(site["siteConfig"]!.AsObject().Select(p => p.Key)).Concat(settings.Select(p => p.Key)).ToList();

        Assert.NotEmpty(names);
        Assert.Empty(names.Intersect(FlexDeprecated, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_app_settings_connect_with_the_identity_and_set_every_setting_without_a_default()
    {
        var settings = Single(AllResources(await CompiledInfra.MainAsync()), "Microsoft.Web/sites/config")["properties"]!.AsObject();
        var readme = File.ReadAllLines(RepositoryRoot.File("docs", "settings.md"));
        var table = readme.Select(l => SettingRow().Match(l)).Where(m => m.Success).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["default"].Value.Trim());

        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]!.GetValue<string>());
        Assert.Equal("managedidentity", settings["SendQueueStorage__credential"]!.GetValue<string>());
        Assert.Contains("identityClientId", settings["SendQueueStorage__clientId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("identityClientId", settings["KeyVault__ManagedIdentityClientId"]!.GetValue<string>(), StringComparison.Ordinal);
        var notInAzure = new[] { "Sinch__ProjectId", "Sinch__AppId", "Sinch__KeyId", "Sinch__KeySecret", "Webhooks__Secret", "Sinch__ConversationBaseUrl", "FUNCTIONS_WORKER_RUNTIME" };
        foreach (var (name, fallback) in table.Where(t => !notInAzure.Contains(t.Key)))
        {
            var set = settings.ContainsKey(name) || settings.Any(s => s.Key.StartsWith(name + "__", StringComparison.Ordinal));
            Assert.True(set || fallback != "—", $"{name} has no default (README) and the template does not set it");
        }

        Assert.True(table.Count > 30, "the README settings table was not found");
        foreach (var secret in notInAzure)
        {
            Assert.False(settings.ContainsKey(secret), $"{secret} must not be an app setting in Azure");
        }
    }

    [Fact]
    public async Task Instance_size_and_concurrency_are_the_measured_ones()
    {
        // docs/performance.md, "Queue settings": 48 messages in flight per instance, ~160 MB of working set.
        var main = new ArmTemplate(await CompiledInfra.MainAsync(), new Dictionary<string, object?> { ["environmentName"] = "scale", ["location"] = "swedencentral" }, v => v.ToString());
        var app = main.Module("app");
        var site = (Dictionary<string, object?>)app.Evaluate(app.Resource("Microsoft.Web/sites")["properties"])!;
        var scale = (Dictionary<string, object?>)((Dictionary<string, object?>)site["functionAppConfig"]!)["scaleAndConcurrency"]!;
        var http = (Dictionary<string, object?>)((Dictionary<string, object?>)scale["triggers"]!)["http"]!;
        var queues = JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("host.json")))!["extensions"]!["queues"]!;

        Assert.Equal(512L, Convert.ToInt64(scale["instanceMemoryMB"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(32, queues["batchSize"]!.GetValue<int>());
        Assert.Equal(16, queues["newBatchThreshold"]!.GetValue<int>());
        Assert.Equal(queues["batchSize"]!.GetValue<int>() + queues["newBatchThreshold"]!.GetValue<int>(),
            Convert.ToInt32(http["perInstanceConcurrency"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^\| `(?<name>[A-Za-z_]+(?:__[A-Za-z_]+)*)` \| (?<default>[^|]*) \|")]
    private static partial Regex SettingRow();
}
