using Azure;
using Azure.Security.KeyVault.Secrets;
using ConversationSender.Credentials;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConversationSender.Callbacks;

/// <summary>The webhook secret: from Key Vault (cached like the Sinch credentials) or from local settings.</summary>
public sealed class WebhookSecretStore(IOptions<WebhookOptions> webhooks, IOptions<KeyVaultOptions> vault, IServiceProvider services, TimeProvider time)
{
    private (string Value, DateTimeOffset ReadAt)? _cached;

    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        if (!vault.Value.IsEnabled)
        {
            return string.IsNullOrWhiteSpace(webhooks.Value.Secret)
                ? throw new CredentialsMisconfiguredException("No webhook secret is configured.", "Webhooks:Secret")
                : webhooks.Value.Secret;
        }

        if (_cached is { } cached && time.GetUtcNow() - cached.ReadAt < vault.Value.CacheDuration)
        {
            return cached.Value;
        }

        var name = webhooks.Value.SecretName;
        try
        {
            var secret = (await services.GetRequiredService<SecretClient>().GetSecretAsync(name, cancellationToken: cancellationToken)).Value.Value;
            _cached = (secret, time.GetUtcNow());
            return secret;
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
