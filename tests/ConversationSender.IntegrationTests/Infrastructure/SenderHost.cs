using Azure.Core;
using Azure.Core.Pipeline;
using ConversationSender.Functions;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.IntegrationTests.Infrastructure;

/// <summary>
/// The app's own DI (<c>AddConversationSender</c>, as Program.cs calls it) over in-memory settings that point
/// at the fakes. Start-up validation runs as the host would run it.
/// </summary>
public sealed class SenderHost : IAsyncDisposable
{
    // The sandbox's own defaults (as in local.settings.sample.json): sends naming another project or app are refused.
    public const string ProjectId = "sandbox-project";
    public const string AppId = "01SANDBOXAPP00000000000001";

    private readonly ServiceProvider _provider;

    private SenderHost(ServiceProvider provider, CapturedLogs logs, FakeTokenCredential credential)
    {
        _provider = provider;
        Logs = logs;
        AzureCredential = credential;
    }

    public CapturedLogs Logs { get; }

    public FakeTokenCredential AzureCredential { get; }

    public IServiceProvider Services => _provider;

    /// <summary>Settings that point at the sandbox, with the project and app it expects (it refuses others).</summary>
    /// <summary><see cref="SettingsFor(SinchSandbox)"/> plus the send queue on a storage account (Azurite).</summary>
    public static Dictionary<string, string?> SettingsFor(SinchSandbox sinch, string storage, string queueName)
    {
        var settings = SettingsFor(sinch);
        settings["SendQueueStorage"] = storage;
        settings["SendQueueName"] = queueName;
        return settings;
    }

    public static Dictionary<string, string?> SettingsFor(SinchSandbox sinch)
    {
        // The suite's timing: short retry delays, so that retries do not slow it down.
        var settings = SenderSettings.PointingAt(sinch.BaseUrl, ProjectId, AppId, SinchSandbox.DefaultKeyId, sinch.KeySecret);
        settings["Sinch:AttemptTimeout"] = "00:00:10";
        settings["Sinch:TotalTimeout"] = "00:00:30";
        settings["Sinch:MaxRetries"] = "2";
        settings["Sinch:RetryBaseDelay"] = "00:00:00.010";
        settings["Sinch:MaxRetryDelay"] = "00:00:00.200";
        return settings;
    }

    public static SenderHost Create(Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CapturedLogs();
        var credential = new FakeTokenCredential();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<TokenCredential>(credential);
        services.AddSenderServices(configuration);
        configure?.Invoke(services);

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        return new SenderHost(provider, logs, credential);
    }

    /// <summary>Adds the vault settings and makes the Azure SDK trust the fake vault's certificate.</summary>
    public static SenderHost CreateWithKeyVault(SinchSandbox sinch, FakeKeyVaultServer vault, Action<Dictionary<string, string?>>? adjust = null, Action<IServiceCollection>? configure = null)
    {
        var settings = SettingsFor(sinch);
        foreach (var key in new[] { "Sinch:ProjectId", "Sinch:AppId", "Sinch:KeyId", "Sinch:KeySecret" })
        {
            settings.Remove(key);
        }

        settings["KeyVault:VaultUri"] = vault.VaultUri.ToString();
        settings["KeyVault:MaxRetries"] = "0";
        adjust?.Invoke(settings);
        return Create(settings, services =>
        {
            services.AddAzureClients(clients => clients.ConfigureDefaults(options => options.Transport = new HttpClientTransport(vault.CreateTrustingHandler())));
            configure?.Invoke(services);
        });
    }

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>A function class built the way the worker builds it: constructor injection from the app's container.</summary>
    public T CreateFunction<T>() => ActivatorUtilities.CreateInstance<T>(_provider);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
