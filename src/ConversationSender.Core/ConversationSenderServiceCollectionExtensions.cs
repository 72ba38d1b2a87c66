using ConversationSender.Storage;
using ConversationSender.Telemetry;
using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using ConversationSender.Callbacks;
using ConversationSender.Credentials;
using ConversationSender.Idempotency;
using ConversationSender.Queueing;
using ConversationSender.RateLimiting;
using ConversationSender.Retention;
using ConversationSender.Sending;
using ConversationSender.Sinch;
using ConversationSender.Tracking;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ConversationSender;

public static class ConversationSenderServiceCollectionExtensions
{
    // The send service is a singleton holding its client: connections, not handlers, are recycled so DNS changes
    // at Sinch are picked up.
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Everything that sends: options (validated at start-up), the credential store, the Conversation
    /// client with its auth handler and resilience pipeline, the send service, the queue writers and the callback services.
    /// Register a <see cref="TokenCredential"/> or <see cref="TimeProvider"/> first to replace the defaults.
    /// </summary>
    public static IServiceCollection AddConversationSender(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SinchOptions>().Bind(configuration.GetSection(SinchOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KeyVaultOptions>().Bind(configuration.GetSection(KeyVaultOptions.SectionName)).ValidateOnStart();
        services.AddOptions<SendQueueOptions>()
            .Bind(configuration.GetSection(SendQueueOptions.SectionName))
            .Configure(options => options.QueueName = configuration[SendQueueOptions.QueueNameSettingName] is { Length: > 0 } name ? name : options.QueueName)
            .Validate(_ => configuration[SendQueueOptions.RenamedQueueNameSetting] is null,
                $"{SendQueueOptions.RenamedQueueNameSetting} (SendQueue__QueueName) was renamed to {SendQueueOptions.QueueNameSettingName}: move the value there.")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SinchOptions>, SinchOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyVaultOptions>, KeyVaultOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyVaultOptions>, KeyVaultOptionsAnnotations>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IdempotencyOptions>, InFlightTimeoutValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new ResilienceTime(TimeProvider.System));
        services.TryAddSingleton<TokenCredential>(sp => CreateAzureCredential(sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value));

        AddCredentialStore(services);
        services.AddAzureClients(clients => SendQueueStorageConnection.AddTo(clients, configuration));
        AddConversationClient(services);
        services.AddRateBudget(configuration, sp =>
        {
            var storage = sp.GetRequiredService<StorageClientFactory>();
            var container = sp.GetRequiredService<IOptions<RateBudgetOptions>>().Value.RateBudgetContainer;
            return new BlobRateBudgetStore(() => storage.GetBlobContainer(container));
        });

        services.AddOptions<IdempotencyOptions>().Bind(configuration.GetSection(IdempotencyOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IdempotencyStore>();
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StatusTrackingOptions>().Bind(configuration.GetSection(StatusTrackingOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<WebhookSecretStore>();
        services.TryAddSingleton<NonceRegistry>();
        services.TryAddSingleton<DeliveryStatusStore>();
        services.TryAddSingleton<CallbackProcessor>();
        services.TryAddSingleton<SendService>();
        services.TryAddSingleton<ConsentGate>();
        services.TryAddSingleton<SinchSend>();
        services.TryAddSingleton<KeyedSend>();
        services.TryAddSingleton<SendReconciler>();
        services.AddHostedService<SenderWarmUp>();
        services.AddMetrics();
        services.TryAddSingleton<SenderMetrics>();
        services.TryAddSingleton<StorageClientFactory>();
        services.TryAddSingleton<DeadLetterWriter>();
        services.TryAddSingleton<DeadLetterReplayer>();
        services.TryAddSingleton<SendQueueWriter>();
        services.TryAddSingleton<SendQueueIntake>();
        services.TryAddSingleton<QueuedMessageProcessor>();
        services.TryAddSingleton<RetentionPurger>();
        services.AddConsent(configuration);
        return services;
    }

    // Explicit identities in Azure: DefaultAzureCredential's chain probes several sources, slowly, when one is missing.
    private static TokenCredential CreateAzureCredential(KeyVaultOptions options) =>
        string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));

    private static void AddCredentialStore(IServiceCollection services)
    {
        services.AddAzureClients(clients =>
        {
            clients.AddClient<SecretClient, SecretClientOptions>((clientOptions, credential, sp) =>
            {
                var vault = sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value;
                clientOptions.Retry.MaxRetries = vault.MaxRetries;
                clientOptions.Retry.NetworkTimeout = vault.NetworkTimeout;
                return new SecretClient(new Uri(vault.VaultUri!), credential, clientOptions);
            });
            clients.UseCredential(sp => sp.GetRequiredService<TokenCredential>());
        });

        services.TryAddSingleton<KeyVaultCredentialStore>();
        services.TryAddSingleton<ConfigurationCredentialStore>();
        services.TryAddSingleton<ISinchCredentialStore>(sp =>
            sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value.IsEnabled
                ? sp.GetRequiredService<KeyVaultCredentialStore>()
                : sp.GetRequiredService<ConfigurationCredentialStore>());
    }

    private static void AddConversationClient(IServiceCollection services)
    {
        services.TryAddSingleton<OAuthTokenProvider>();
        services.TryAddSingleton<SendResiliencePipeline>();
        services.TryAddTransient<SinchAuthenticationHandler>();

        // No per-request HTTP logging: the send service logs each send once, with its outcome and ids.
        services.AddHttpClient(OAuthTokenProvider.HttpClientName, (sp, http) =>
            http.Timeout = sp.GetRequiredService<IOptions<SinchOptions>>().Value.AttemptTimeout)
            .RemoveAllLoggers()
            .UseSocketsHttpHandler((handler, _) => ConfigureSockets(handler))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        var conversation = services.AddHttpClient<ConversationClient>((sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<IOptions<SinchOptions>>().Value.ResolveConversationBaseUrl();
            http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
        })
            .RemoveAllLoggers()
            .UseSocketsHttpHandler((handler, _) => ConfigureSockets(handler))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        conversation.AddHttpMessageHandler<SinchAuthenticationHandler>();
    }

    // Sinch's API neither redirects nor sets cookies. A redirect is not followed: a message is never posted again to
    // another address (its 3xx is the answer, a rejection). Without either, a request skips the redirect handler's
    // async frame and the cookie container's lookup.
    private static void ConfigureSockets(SocketsHttpHandler handler)
    {
        handler.PooledConnectionLifetime = ConnectionLifetime;
        handler.AllowAutoRedirect = false;
        handler.UseCookies = false;
    }
}
