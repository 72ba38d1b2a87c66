using System.Text.RegularExpressions;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// Monitoring in the compiled template: audit and data-access logs go to Log Analytics, and alerts mail the operator.
/// </summary>
public sealed class MonitoringTemplateTests : InfraTemplateTest
{
    [Fact]
    public async Task Key_vault_audit_events_and_storage_data_access_go_to_log_analytics()
    {
        var main = MainWith(await CompiledInfra.MainAsync(), new());
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
        var compiled = await CompiledInfra.MainAsync();
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
}
