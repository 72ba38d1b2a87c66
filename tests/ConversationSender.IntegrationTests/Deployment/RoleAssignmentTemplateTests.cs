using System.Text.RegularExpressions;

namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// Role assignments in the compiled template: least privilege for the app identity, and for the deploying user only in
/// a dev environment.
/// </summary>
public sealed partial class RoleAssignmentTemplateTests : InfraTemplateTest
{
    private static readonly Dictionary<string, string> RoleIds = new()
    {
        ["Storage Blob Data Owner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["Storage Queue Data Contributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        ["Storage Table Data Contributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["Key Vault Secrets User"] = "4633458b-17de-408a-b874-0445c86b69e6",
        ["Key Vault Secrets Officer"] = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        ["Monitoring Metrics Publisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
    };

    [Theory]
    [InlineData(null, true)]
    [InlineData("dev", true)]
    [InlineData("prod", false)]
    public async Task The_deploying_user_gets_roles_only_in_a_dev_environment_and_only_what_trying_the_app_needs(string? environmentType, bool granted)
    {
        var compiled = await CompiledInfra.MainAsync();
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
    public async Task The_app_identity_gets_least_privilege_roles_on_the_right_scopes()
    {
        var rbac = AllDeployments(await CompiledInfra.MainAsync()).Single(d => d["name"]!.GetValue<string>() == "rbac")["properties"]!["template"]!;
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

    [GeneratedRegex(@"variables\('roles'\)\.(\w+)")]
    private static partial Regex RoleReference();
}
