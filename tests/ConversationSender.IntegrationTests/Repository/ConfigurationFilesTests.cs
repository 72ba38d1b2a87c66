using System.Reflection;
using System.Text.Json;
using ConversationSender.Credentials;
using ConversationSender.Queueing;
using ConversationSender.Sinch;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Repository;

/// <summary>host.json and local.settings.sample.json agree with the code that reads them.</summary>
public sealed class ConfigurationFilesTests
{
    private static JsonElement HostJson => JsonDocument.Parse(File.ReadAllText(RepositoryRoot.File("host.json"))).RootElement;

    [Fact]
    public void Host_json_sets_every_queue_setting_explicitly()
    {
        var queues = HostJson.GetProperty("extensions").GetProperty("queues");

        foreach (var setting in new[] { "batchSize", "newBatchThreshold", "maxDequeueCount", "visibilityTimeout", "messageEncoding" })
        {
            Assert.True(queues.TryGetProperty(setting, out _), $"host.json extensions.queues.{setting} is missing");
        }

        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
    }

    [Fact]
    public void Host_json_logs_warnings_and_every_functions_own_lines_only()
    {
        var levels = HostJson.GetProperty("logging").GetProperty("logLevel").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        var functions = typeof(ConversationSender.Functions.SendMessageHttpFunction).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => m.GetCustomAttribute<Microsoft.Azure.Functions.Worker.FunctionAttribute>()?.Name)
            .OfType<string>()
            .ToList();

        // Quiet: the host's per-invocation lines and the SDKs' request warnings (a 404 on every poll of a missing queue) stay out.
        Assert.Equal("Warning", levels["default"]);
        Assert.Equal("Error", levels["Azure.Core"]);
        Assert.False(levels.ContainsKey("Function"), "\"Function\" would set the level of every function's own lines too");

        // Our own lines: the host files a function's logs under Function.<name>.User; the worker's outside one under their category.
        Assert.Equal("Information", levels["ConversationSender"]);
        Assert.True(functions.Count >= 9, $"only {functions.Count} functions found");
        Expect.All(functions, name => Assert.True(levels.TryGetValue($"Function.{name}.User", out var level) && level == "Information", $"host.json does not let {name}'s own lines through (Function.{name}.User: Information)"));
    }

    [Fact]
    public void A_message_outlives_its_retries_on_the_queue()
    {
        // A copy for a later attempt lives 7 days on the queue: retrying longer than that would lose it.
        Assert.True(new SendQueueOptions().MaxRetryAge <= TimeSpan.FromDays(7));
        Assert.True(new SendQueueOptions().RetryMaxDelay < new SendQueueOptions().MaxRetryAge);
    }

    [Fact]
    public void The_functions_output_carries_host_json_for_func_start()
    {
        var output = Path.GetDirectoryName(typeof(ConversationSender.Functions.SendMessageHttpFunction).Assembly.Location)!;

        Assert.Equal(File.ReadAllText(RepositoryRoot.File("host.json")), File.ReadAllText(Path.Combine(output, "host.json")));
    }

    [Fact]
    public void Sample_settings_are_flat_strings_for_the_functions_host()
    {
        var values = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.File("local.settings.sample.json"))).RootElement.GetProperty("Values");

        Expect.All(values.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
    }

    [Theory]
    [InlineData(typeof(SinchOptions), SinchOptions.SectionName)]
    [InlineData(typeof(KeyVaultOptions), KeyVaultOptions.SectionName)]
    [InlineData(typeof(KeyVaultSecretNames), "KeyVault__SecretNames")]
    [InlineData(typeof(SendQueueOptions), SendQueueOptions.SectionName)]
    [InlineData(typeof(ConversationSender.Idempotency.IdempotencyOptions), ConversationSender.Idempotency.IdempotencyOptions.SectionName)]
    [InlineData(typeof(ConversationSender.Callbacks.WebhookOptions), ConversationSender.Callbacks.WebhookOptions.SectionName)]
    [InlineData(typeof(ConversationSender.Tracking.StatusTrackingOptions), ConversationSender.Tracking.StatusTrackingOptions.SectionName)]
    [InlineData(typeof(ConversationSender.Consent.ConsentOptions), ConversationSender.Consent.ConsentOptions.SectionName)]
    public void Sample_settings_and_readme_list_every_option(Type options, string prefix)
    {
        var sample = SampleValues();
        var settingsDoc = ReadmeExamples.Text("docs/settings.md");
        var settable = options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && (p.PropertyType.IsValueType || p.PropertyType == typeof(string)));

        foreach (var property in settable)
        {
            // The trigger's queue name is a flat setting (the platform's scale controller reads it), not a section's.
            var name = (options, property.Name) == (typeof(SendQueueOptions), nameof(SendQueueOptions.QueueName))
                ? SendQueueOptions.QueueNameSettingName
                : $"{prefix.Replace(":", "__", StringComparison.Ordinal)}__{property.Name}";
            Assert.True(sample.ContainsKey(name), $"local.settings.sample.json lacks {name}");
            Assert.Contains($"`{name}`", settingsDoc, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("AzureWebJobsStorage")]
    [InlineData("SendQueueStorage")]
    public void Sample_settings_point_storage_at_azurite(string setting) =>
        Assert.Equal("UseDevelopmentStorage=true", SampleValues()[setting]);

    [Fact]
    public void Sample_settings_send_to_the_local_sandbox_out_of_the_box()
    {
        var sample = SampleValues();
        var sandbox = new ConversationSender.Sandbox.SandboxOptions();

        Assert.Equal(ConversationSender.Sandbox.SandboxOptions.DefaultUrl + "/", sample["Sinch__ConversationBaseUrl"]);
        Assert.Equal(ConversationSender.Sandbox.SandboxOptions.DefaultUrl + "/", sample["Sinch__AuthBaseUrl"]);
        Assert.Equal(sandbox.KeyId, sample["Sinch__KeyId"]);
        Assert.Equal(sandbox.KeySecret, sample["Sinch__KeySecret"]);
        Assert.Equal("", sample["KeyVault__VaultUri"]);
    }

    private static Dictionary<string, string?> SampleValues() =>
        JsonDocument.Parse(File.ReadAllText(RepositoryRoot.File("local.settings.sample.json"))).RootElement.GetProperty("Values")
            .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
}
