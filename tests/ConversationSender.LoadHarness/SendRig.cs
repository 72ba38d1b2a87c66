using Azure.Core;
using Azure.Core.Pipeline;
using ConversationSender.Sandbox;
using ConversationSender.Sending;
using ConversationSender.Testing;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.LoadHarness;

/// <summary>
/// What the throughput comparison sends through: the sandbox (in this process or its own), a Key Vault fake with 100 ms
/// reads, Azurite when the queue is measured, and the product's services configured against them.
/// </summary>
internal sealed class SendRig : IAsyncDisposable
{
    public static readonly SandboxOptions SandboxOptions = new() { MaxCaptured = 100, ProjectId = "load-project", AppId = "01LOADAPP00000000000000001" };

    private SendRig(SinchSandbox? sandbox, SandboxProcess? sandboxProcess, FakeKeyVaultServer vault, AzuriteProcess? azurite, IConfiguration configuration)
    {
        Sandbox = sandbox;
        SandboxProcess = sandboxProcess;
        Vault = vault;
        Azurite = azurite;
        Configuration = configuration;
        Provider = BuildProvider(configuration);
        SendService = Provider.GetRequiredService<SendService>();
    }

    /// <summary>The in-process sandbox, or null when it runs in its own process.</summary>
    public SinchSandbox? Sandbox { get; }

    public SandboxProcess? SandboxProcess { get; }

    public Uri SandboxUrl => Sandbox?.BaseUrl ?? SandboxProcess!.BaseUrl;

    public FakeKeyVaultServer Vault { get; }

    /// <summary>Null when no queue messages are asked for.</summary>
    public AzuriteProcess? Azurite { get; }

    public IConfiguration Configuration { get; }

    /// <summary>The main service provider, whose send service the comparison measures.</summary>
    public ServiceProvider Provider { get; }

    public SendService SendService { get; }

    public BinaryData Body { get; } = BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""");

    public static async Task<SendRig> StartAsync(bool outOfProcess, bool withAzurite)
    {
        var sandbox = outOfProcess ? null : await SinchSandbox.StartAsync(configure: o =>
        {
            o.MaxCaptured = SandboxOptions.MaxCaptured;
            o.ProjectId = SandboxOptions.ProjectId;
            o.AppId = SandboxOptions.AppId;
        });
        var sandboxProcess = outOfProcess ? await SandboxProcess.StartAsync(SandboxOptions) : null;
        var sandboxUrl = sandbox?.BaseUrl ?? sandboxProcess!.BaseUrl;
        var vault = await FakeKeyVaultServer.StartAsync();
        vault.Secrets["sinch-project-id"] = SandboxOptions.ProjectId;
        vault.Secrets["sinch-app-id"] = SandboxOptions.AppId;
        vault.Secrets["sinch-key-id"] = SandboxOptions.KeyId;
        vault.Secrets["sinch-key-secret"] = SandboxOptions.KeySecret;
        vault.ReadDelay = TimeSpan.FromMilliseconds(100);
        var azurite = withAzurite ? await AzuriteProcess.StartAsync() : null;

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sinch:ConversationBaseUrl"] = sandboxUrl.ToString(),
            ["Sinch:AuthBaseUrl"] = sandboxUrl.ToString(),
            ["Sinch:RequestsPerSecondBudget"] = "100000", // no limit: the comparison is about the send path
            ["Sinch:RateBudgetMaxInstances"] = "1",
            ["Sinch:RateBudgetSendingGroups"] = "1",
            ["KeyVault:VaultUri"] = vault.VaultUri.ToString(),
            ["SendQueueStorage"] = azurite?.ConnectionString,
            ["SendQueueName"] = "load-run",

            // The comparison is about the send path; recording each send for the status lookup is one table write more,
            // measured on its own below, and the opt-out check one table read more (--consent-cost measures it).
            ["Webhooks:RecordStatus"] = "false",
            ["Consent:Enabled"] = "false",
        }).Build();
        return new SendRig(sandbox, sandboxProcess, vault, azurite, configuration);
    }

    /// <summary>The main configuration with status recording on, as the product's defaults have it.</summary>
    public IConfiguration WithStatusRecording() =>
        new ConfigurationBuilder().AddConfiguration(Configuration).AddInMemoryCollection(new Dictionary<string, string?> { ["Webhooks:RecordStatus"] = "true" }).Build();

    /// <summary>The product's defaults: status recording and the opt-out check on.</summary>
    public IConfiguration WithProductDefaults() =>
        new ConfigurationBuilder().AddConfiguration(WithStatusRecording()).AddInMemoryCollection(new Dictionary<string, string?> { ["Consent:Enabled"] = "true" }).Build();

    /// <summary>A service provider of its own (its own credential store, clients and connections) on the given configuration.</summary>
    public ServiceProvider BuildProvider(IConfiguration configuration, HttpPipelinePolicy? perCallPolicy = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TokenCredential>(new FakeTokenCredential())
            .AddConversationSender(configuration);
        services.AddAzureClients(clients => clients.ConfigureDefaults(o =>
        {
            o.Transport = new HttpClientTransport(Vault.CreateTrustingHandler());
            if (perCallPolicy is not null)
            {
                o.AddPolicy(perCallPolicy, HttpPipelinePosition.PerCall);
            }
        }));
        return services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }

        await Vault.DisposeAsync();
        SandboxProcess?.Dispose();
        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }
    }
}
