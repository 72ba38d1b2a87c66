using System.Net;
using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using ConversationSender.Credentials;
using ConversationSender.Queueing;
using ConversationSender.Sending;
using ConversationSender.Sinch;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace ConversationSender;

public static class ConversationSenderServiceCollectionExtensions
{
    /// <summary>
    /// Everything that sends: options (validated at start-up), the credential store, the Conversation
    /// client with its auth and resilience handlers, the send service and the dead-letter writer.
    /// Register a <see cref="TokenCredential"/> or <see cref="TimeProvider"/> first to replace the defaults.
    /// </summary>
    public static IServiceCollection AddConversationSender(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SinchOptions>().Bind(configuration.GetSection(SinchOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KeyVaultOptions>().Bind(configuration.GetSection(KeyVaultOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SendQueueOptions>().Bind(configuration.GetSection(SendQueueOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SinchOptions>, SinchOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyVaultOptions>, KeyVaultOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TokenCredential>(sp => CreateAzureCredential(sp.GetRequiredService<IOptions<KeyVaultOptions>>().Value));

        AddCredentialStore(services);
        AddConversationClient(services);

        services.TryAddSingleton<SendService>();
        services.TryAddSingleton<SendQueueClientFactory>();
        services.TryAddSingleton<DeadLetterWriter>();
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
        services.TryAddTransient<SinchAuthenticationHandler>();

        services.AddHttpClient(OAuthTokenProvider.HttpClientName, (sp, http) =>
            http.Timeout = sp.GetRequiredService<IOptions<SinchOptions>>().Value.AttemptTimeout);

        var conversation = services.AddHttpClient<ConversationClient>((sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<IOptions<SinchOptions>>().Value.ResolveConversationBaseUrl();
            http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
        });

        // Added first, so it is the outer handler: each retry goes through authentication again.
        conversation.AddResilienceHandler("sinch-send", (pipeline, context) =>
        {
            var sinch = context.ServiceProvider.GetRequiredService<IOptions<SinchOptions>>().Value;
            pipeline.AddTimeout(sinch.TotalTimeout);
            if (sinch.MaxRetries > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = sinch.MaxRetries,
                    Delay = sinch.RetryBaseDelay,
                    MaxDelay = sinch.MaxRetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldRetryAfterHeader = true,

                    // messages:send is not idempotent: retry only what Sinch cannot have processed.
                    ShouldHandle = args => ValueTask.FromResult(IsSafeToRetry(args.Outcome, sinch.MaxRetryDelay)),
                });
            }

            pipeline.AddTimeout(sinch.AttemptTimeout);
        });
        conversation.AddHttpMessageHandler<SinchAuthenticationHandler>();
    }

    // A Retry-After longer than we are willing to wait in-call goes back to the caller (HTTP 429/503, or a queue retry).
    private static bool IsSafeToRetry(Outcome<HttpResponseMessage> outcome, TimeSpan maxDelay) =>
        (outcome.Result?.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
            && !(outcome.Result.Headers.RetryAfter?.Delta > maxDelay)
            && !(outcome.Result.Headers.RetryAfter?.Date - DateTimeOffset.UtcNow > maxDelay))
        || outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
}
