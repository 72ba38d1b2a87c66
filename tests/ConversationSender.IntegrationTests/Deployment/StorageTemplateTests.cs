namespace ConversationSender.IntegrationTests.Deployment;

/// <summary>
/// Storage in the compiled template: no keys or connection strings anywhere, shared keys refused, the queues and tables
/// the app uses exist.
/// </summary>
public sealed class StorageTemplateTests : InfraTemplateTest
{
    [Fact]
    public async Task No_keys_or_storage_connection_strings_anywhere()
    {
        var text = (await CompiledInfra.MainAsync()).ToJsonString();

        foreach (var forbidden in new[] { "listKeys", "AccountKey", "listConnectionStrings", "SharedAccessSignature", "UseDevelopmentStorage" })
        {
            Assert.DoesNotContain(forbidden, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Storage_refuses_shared_keys_public_blobs_and_old_tls()
    {
        var account = Single(AllResources(await CompiledInfra.MainAsync()), "Microsoft.Storage/storageAccounts")["properties"]!;

        Assert.False(account["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(account["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", account["minimumTlsVersion"]!.GetValue<string>());
        Assert.True(account["supportsHttpsTrafficOnly"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_send_queue_its_poison_and_dead_letter_queues_and_the_idempotency_table_exist()
    {
        var resources = AllResources(await CompiledInfra.MainAsync());
        var queues = Single(resources, "Microsoft.Storage/storageAccounts/queueServices/queues")["name"]!.GetValue<string>();
        var tables = resources.Where(r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts/tableServices/tables").Select(t => t["name"]!.GetValue<string>()).ToList();

        Assert.Contains("parameters('sendQueueName')", queues, StringComparison.Ordinal);
        Assert.Contains("-poison", queues, StringComparison.Ordinal);
        Assert.Contains("-failed", queues, StringComparison.Ordinal);
        Assert.Contains(tables, t => t.Contains("idempotencyTableName", StringComparison.Ordinal));
        Assert.Contains(tables, t => t.Contains("statusTableName", StringComparison.Ordinal));
        var storageModule = AllDeployments(await CompiledInfra.MainAsync()).Single(d => d["name"]!.GetValue<string>() == "storage");
        Assert.Equal("sendidempotency", storageModule["properties"]!["parameters"]!["idempotencyTableName"]!["value"]!.GetValue<string>());
        Assert.Equal("outbound-messages", (await CompiledInfra.MainAsync())["parameters"]!["sendQueueName"]!["defaultValue"]!.GetValue<string>());
    }
}
