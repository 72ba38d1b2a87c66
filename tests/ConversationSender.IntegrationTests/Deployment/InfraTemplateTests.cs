using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>infra/ builds and lints clean with the Bicep CLI, and the compiled ARM template is secure by construction.</summary>
public sealed partial class InfraTemplateTests
{
    private static readonly Lazy<Task<JsonObject>> Compiled = new(CompiledInfra.MainAsync);

    private static readonly Dictionary<string, string> RoleIds = new()
    {
        ["Storage Blob Data Owner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["Storage Queue Data Contributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        ["Storage Table Data Contributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["Key Vault Secrets User"] = "4633458b-17de-408a-b874-0445c86b69e6",
        ["Key Vault Secrets Officer"] = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        ["Monitoring Metrics Publisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
    };

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
    public async Task No_keys_or_storage_connection_strings_anywhere()
    {
        var text = (await Compiled.Value).ToJsonString();

        foreach (var forbidden in new[] { "listKeys", "AccountKey", "listConnectionStrings", "SharedAccessSignature", "UseDevelopmentStorage" })
        {
            Assert.DoesNotContain(forbidden, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_function_app_is_flex_consumption_linux_dotnet_10_https_only()
    {
        var resources = AllResources(await Compiled.Value);
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

    [Fact]
    public async Task Storage_refuses_shared_keys_public_blobs_and_old_tls()
    {
        var account = Single(AllResources(await Compiled.Value), "Microsoft.Storage/storageAccounts")["properties"]!;

        Assert.False(account["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(account["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", account["minimumTlsVersion"]!.GetValue<string>());
        Assert.True(account["supportsHttpsTrafficOnly"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_send_queue_its_poison_and_dead_letter_queues_and_the_idempotency_table_exist()
    {
        var resources = AllResources(await Compiled.Value);
        var queues = Single(resources, "Microsoft.Storage/storageAccounts/queueServices/queues")["name"]!.GetValue<string>();
        var tables = resources.Where(r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts/tableServices/tables").Select(t => t["name"]!.GetValue<string>()).ToList();

        Assert.Contains("parameters('sendQueueName')", queues, StringComparison.Ordinal);
        Assert.Contains("-poison", queues, StringComparison.Ordinal);
        Assert.Contains("-failed", queues, StringComparison.Ordinal);
        Assert.Contains(tables, t => t.Contains("idempotencyTableName", StringComparison.Ordinal));
        Assert.Contains(tables, t => t.Contains("statusTableName", StringComparison.Ordinal));
        var storageModule = AllDeployments(await Compiled.Value).Single(d => d["name"]!.GetValue<string>() == "storage");
        Assert.Equal("sendidempotency", storageModule["properties"]!["parameters"]!["idempotencyTableName"]!["value"]!.GetValue<string>());
        Assert.Equal("outbound-messages", (await Compiled.Value)["parameters"]!["sendQueueName"]!["defaultValue"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Key_vault_and_storage_accept_public_traffic_only_without_network_isolation(bool vnetEnabled)
    {
        var main = MainWith(await Compiled.Value, new() { ["vnetEnabled"] = vnetEnabled });
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
        var compiled = await Compiled.Value;
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

    [Theory]
    [InlineData(null, true)]
    [InlineData("dev", true)]
    [InlineData("prod", false)]
    public async Task The_deploying_user_gets_roles_only_in_a_dev_environment_and_only_what_trying_the_app_needs(string? environmentType, bool granted)
    {
        var compiled = await Compiled.Value;
        var main = MainWith(compiled, environmentType is null ? new() : new() { ["environmentType"] = environmentType });
        var rbac = main.Module("rbac");

        Assert.Equal(granted ? "00000000-user" : "", rbac.Parameter("userPrincipalId"));
        var userAssignments = Resources(AllDeployments(compiled).Single(d => d["name"]!.GetValue<string>() == "rbac")["properties"]!["template"]!)
            .Where(r => r["type"]!.GetValue<string>() == "Microsoft.Authorization/roleAssignments" && r["properties"]!["principalId"]!.GetValue<string>().Contains("userPrincipalId", StringComparison.Ordinal))
            .ToList();
        Expect.All(userAssignments, r => Assert.Equal(granted, rbac.Evaluate(r["condition"])));

        // Queue rights on the send queue and its dead-letter queue, Secrets Officer on the vault: no blob, table or account-wide role.
        var scopes = userAssignments.Select(r => Regex.Match(r["scope"]!.GetValue<string>(), @"resourceId\('([^']+)'").Groups[1].Value).Order().ToList();
        Assert.Equal(["Microsoft.KeyVault/vaults", "Microsoft.Storage/storageAccounts/queueServices/queues"], scopes);
        Assert.Equal("${AZURE_ENVIRONMENT_TYPE=dev}", Parameters()["environmentType"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Key_vault_audit_events_and_storage_data_access_go_to_log_analytics()
    {
        var main = MainWith(await Compiled.Value, new());
        var keyVault = main.Module("keyvault");
        var storage = main.Module("storage");

        var audit = (Dictionary<string, object?>)keyVault.Evaluate(keyVault.Resource("Microsoft.Insights/diagnosticSettings")["properties"])!;
        Assert.Equal("audit", ((Dictionary<string, object?>)((List<object?>)audit["logs"]!).Single()!)["categoryGroup"]);
        Assert.NotNull(audit["workspaceId"]);

        var storageSettings = storage.Resources().Where(r => r["type"]!.GetValue<string>() == "Microsoft.Insights/diagnosticSettings").ToList();
        Assert.Equal(["blobService", "queueService", "tableService"], storageSettings.Select(r => r["scope"]!.GetValue<string>()).Select(s => Regex.Match(s, @"'Microsoft.Storage/storageAccounts/(\w+)Services'").Groups[1].Value + "Service").Order());
        Expect.All(storageSettings, setting =>
        {
            var properties = (Dictionary<string, object?>)storage.Evaluate(setting["properties"])!;
            var categories = ((List<object?>)properties["logs"]!).Select(l => ((Dictionary<string, object?>)l!)["category"]).ToList();
            // No StorageRead: the host's queue polls would fill the workspace with a row every few seconds per instance.
            Assert.Equal(["StorageWrite", "StorageDelete"], categories);
        });
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("ops@example.com", 1)]
    public async Task Alerts_cover_dead_letters_poison_failures_misconfiguration_and_errors_and_mail_the_operator(string email, int receivers)
    {
        var compiled = await Compiled.Value;
        var main = MainWith(compiled, new() { ["alertEmail"] = email });
        var alerts = main.Module("alerts");
        var template = AllDeployments(compiled).Single(d => d["name"]!.GetValue<string>() == "alerts")["properties"]!["template"]!;

        var group = (Dictionary<string, object?>)alerts.Evaluate(alerts.Resource("Microsoft.Insights/actionGroups")["properties"])!;
        Assert.Equal(receivers, ((List<object?>)group["emailReceivers"]!).Count);
        var rules = template["variables"]!["rules"]!.AsArray().Select(r => (Name: r!["name"]!.GetValue<string>(), Query: r["query"]!.GetValue<string>())).ToList();
        Assert.Equal(["dead-letters", "poison-messages", "send-failure-ratio", "misconfigured", "function-errors"], rules.Select(r => r.Name));
        Assert.Contains("conversation_sender.dead_letters", rules[0].Query, StringComparison.Ordinal);
        Assert.Contains("poison", rules[1].Query, StringComparison.Ordinal);
        Assert.Contains("conversation_sender.sends", rules[2].Query, StringComparison.Ordinal);
        Assert.Contains("\"misconfigured\"", rules[3].Query, StringComparison.Ordinal);
        Assert.Contains("success == false", rules[4].Query, StringComparison.Ordinal);
        Expect.All(rules.Where(r => r.Query.Contains("customMetrics", StringComparison.Ordinal)), r => Assert.DoesNotContain("valueCount", r.Query, StringComparison.Ordinal));

        // Every rule watches Application Insights and calls the action group.
        var rule = Single(Resources(template), "Microsoft.Insights/scheduledQueryRules")["properties"]!;
        Assert.Contains("Microsoft.Insights/components", rule["scopes"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Microsoft.Insights/actionGroups", rule["actions"]!["actionGroups"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("${ALERT_EMAIL=}", Parameters()["alertEmail"]!["value"]!.GetValue<string>());
    }

    private static ArmTemplate MainWith(JsonObject compiled, Dictionary<string, object?> parameters)
    {
        parameters.TryAdd("environmentName", "dev");
        parameters.TryAdd("location", "swedencentral");
        parameters.TryAdd("principalId", "00000000-user");
        return new ArmTemplate(compiled, parameters, v => v.ToString());
    }

    private static JsonObject Parameters() =>
        JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("infra", "main.parameters.json")))!["parameters"]!.AsObject();

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

        var keyVault = new ArmTemplate(await Compiled.Value, parameters, v => v.ToString()).Module("keyvault");
        var properties = (Dictionary<string, object?>)keyVault.Evaluate(keyVault.Resource("Microsoft.KeyVault/vaults")["properties"])!;

        // Azure refuses enablePurgeProtection=false on a vault that once had it on; absent is the only safe "off".
        Assert.Equal(expected, properties["enablePurgeProtection"]);
        Assert.Equal("${KEY_VAULT_PURGE_PROTECTION=}", Parameters()["keyVaultPurgeProtection"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_five_secrets_are_seeded_from_secure_parameters_only_when_given()
    {
        var compiled = await Compiled.Value;
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
        var resources = AllResources(await Compiled.Value);
        var site = Single(resources, "Microsoft.Web/sites")["properties"]!.AsObject();
        var settings = Single(resources, "Microsoft.Web/sites/config")["properties"]!.AsObject();
        var names = site.Select(p => p.Key).Concat(site["siteConfig"]!.AsObject().Select(p => p.Key)).Concat(settings.Select(p => p.Key)).ToList();

        Assert.NotEmpty(names);
        Assert.Empty(names.Intersect(FlexDeprecated, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Only_the_site_carries_the_azd_service_tag()
    {
        var main = new ArmTemplate(await Compiled.Value, new Dictionary<string, object?> { ["environmentName"] = "tags", ["location"] = "swedencentral" }, v => v.ToString());
        var tagged = new List<string>();
        foreach (var module in AllDeployments(await Compiled.Value).Select(d => d["name"]!.GetValue<string>()))
        {
            var template = main.Module(module);
            tagged.AddRange(template.Resources()
                .Where(r => r["tags"] is not null && ((Dictionary<string, object?>)template.Evaluate(r["tags"])!).ContainsKey("azd-service-name"))
                .Select(r => r["type"]!.GetValue<string>()));
        }

        Assert.Equal(["Microsoft.Web/sites"], tagged);
    }

    [Fact]
    public async Task The_app_identity_gets_least_privilege_roles_on_the_right_scopes()
    {
        var rbac = AllDeployments(await Compiled.Value).Single(d => d["name"]!.GetValue<string>() == "rbac")["properties"]!["template"]!;
        var roles = rbac["variables"]!["roles"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        var storageRoles = rbac["variables"]!["storageRoles"]!.AsArray().Select(r => roles[RoleReference().Match(r!.GetValue<string>()).Groups[1].Value]).ToList();
        var granted = new HashSet<(string Principal, string Scope, string Role)>();
        foreach (var assignment in Resources(rbac).Where(r => r["type"]!.GetValue<string>() == "Microsoft.Authorization/roleAssignments"))
        {
            var scope = assignment["scope"]?.GetValue<string>() ?? "(resource group)";
            var scopeType = Regex.Match(scope, @"resourceId\('([^']+)'").Groups[1].Value;
            var principal = assignment["properties"]!["principalId"]!.GetValue<string>().Contains("appPrincipalId", StringComparison.Ordinal) ? "app" : "user";
            var roleExpression = assignment["properties"]!["roleDefinitionId"]!.GetValue<string>();
            var ids = roleExpression.Contains("storageRoles", StringComparison.Ordinal) ? storageRoles : [roles[RoleReference().Match(roleExpression).Groups[1].Value]];
            foreach (var id in ids)
            {
                granted.Add((principal, scopeType, id));
            }
        }

        HashSet<(string, string, string)> expectedForApp =
        [
            ("app", "Microsoft.Storage/storageAccounts", RoleIds["Storage Blob Data Owner"]),
            ("app", "Microsoft.Storage/storageAccounts", RoleIds["Storage Queue Data Contributor"]),
            ("app", "Microsoft.Storage/storageAccounts", RoleIds["Storage Table Data Contributor"]),
            ("app", "Microsoft.KeyVault/vaults", RoleIds["Key Vault Secrets User"]),
            ("app", "Microsoft.Insights/components", RoleIds["Monitoring Metrics Publisher"]),
        ];
        Assert.Equal(expectedForApp, granted.Where(g => g.Principal == "app").ToHashSet());
        Assert.Contains(("user", "Microsoft.KeyVault/vaults", RoleIds["Key Vault Secrets Officer"]), granted);
        Expect.All(Resources(rbac).Where(r => r["type"]!.GetValue<string>() == "Microsoft.Authorization/roleAssignments"), r => Assert.StartsWith("[guid(", r["name"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_app_settings_connect_with_the_identity_and_set_every_setting_without_a_default()
    {
        var settings = Single(AllResources(await Compiled.Value), "Microsoft.Web/sites/config")["properties"]!.AsObject();
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
        var main = new ArmTemplate(await Compiled.Value, new Dictionary<string, object?> { ["environmentName"] = "scale", ["location"] = "swedencentral" }, v => v.ToString());
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

    private static JsonObject Single(IEnumerable<JsonObject> resources, string type) =>
        Assert.Single(resources, r => r["type"]!.GetValue<string>() == type);

    private static IEnumerable<JsonObject> AllDeployments(JsonObject template) =>
        Resources(template).Where(r => r["type"]!.GetValue<string>() == "Microsoft.Resources/deployments")
            .SelectMany(d => new[] { d }.Concat(AllDeployments(d["properties"]!["template"]!.AsObject())));

    private static List<JsonObject> AllResources(JsonObject template) =>
        [.. Resources(template).Concat(AllDeployments(template).SelectMany(d => Resources(d["properties"]!["template"]!.AsObject())))];

    private static IEnumerable<JsonObject> Resources(JsonNode template) => template["resources"] switch
    {
        JsonArray list => list.Select(r => r!.AsObject()),
        JsonObject map => map.Select(p => p.Value!.AsObject()),
        _ => [],
    };

    [GeneratedRegex(@"variables\('roles'\)\.(\w+)")]
    private static partial Regex RoleReference();

    [GeneratedRegex(@"^\| `(?<name>[A-Za-z_]+(?:__[A-Za-z_]+)*)` \| (?<default>[^|]*) \|")]
    private static partial Regex SettingRow();
}
