using Azure;
using Azure.Security.KeyVault.Secrets;
using ConversationSender.Credentials;
using ConversationSender.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Callbacks;

/// <summary>The webhook secret: from Key Vault (cached and refreshed like the Sinch credentials) or from local settings.</summary>
public sealed class WebhookSecretStore
{
    private readonly IOptions<WebhookOptions> _webhooks;
    private readonly IOptions<KeyVaultOptions> _vault;
    private readonly IServiceProvider _services;
    private readonly RefreshingCache<string> _cache;

    private readonly SenderMetrics _metrics;

    public WebhookSecretStore(IOptions<WebhookOptions> webhooks, IOptions<KeyVaultOptions> vault, IServiceProvider services, TimeProvider time, SenderMetrics metrics, ILogger<WebhookSecretStore> logger)
    {
        _metrics = metrics;
        _webhooks = webhooks;
        _vault = vault;
        _services = services;
        var options = vault.Value;
        _cache = new RefreshingCache<string>(ReadAsync, time, options.CacheDuration, options.MaxStaleness, options.FailureBackoff, logger, "the webhook secret");
    }

    public ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        if (!_vault.Value.IsEnabled)
        {
            return string.IsNullOrWhiteSpace(_webhooks.Value.Secret)
                ? throw new CredentialsMisconfiguredException("No webhook secret is configured.", "Webhooks:Secret")
                : ValueTask.FromResult(_webhooks.Value.Secret);
        }

        return _cache.GetAsync(cancellationToken);
    }

    // Counted where it happens, whatever the failure is classified as below.
    private bool Failed()
    {
        _metrics.KeyVaultRead(succeeded: false);
        return false;
    }

    private async Task<string> ReadAsync(CancellationToken cancellationToken)
    {
        var name = _webhooks.Value.SecretName;
        try
        {
            var value = (await _services.GetRequiredService<SecretClient>().GetSecretAsync(name, cancellationToken: cancellationToken)).Value.Value;
            _metrics.KeyVaultRead(succeeded: true);
            return value;
        }
        catch (Exception) when (Failed())
        {
            throw;
        }
        catch (RequestFailedException ex) when (ex.Status is 401 or 403 or 404)
        {
            throw new CredentialsMisconfiguredException($"Key Vault secret '{name}' cannot be read (HTTP {ex.Status}).", "Webhooks:SecretName", ex);
        }
        catch (RequestFailedException ex)
        {
            throw new CredentialsUnavailableException($"Key Vault did not answer the read of '{name}' (HTTP {ex.Status}).", ex);
        }
    }
}
