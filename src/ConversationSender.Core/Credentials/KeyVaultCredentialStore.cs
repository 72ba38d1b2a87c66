using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using ConversationSender.Sinch;
using ConversationSender.Telemetry;

namespace ConversationSender.Credentials;

/// <summary>
/// Reads the four Sinch secrets from Key Vault and serves them through a <see cref="RefreshingCache{T}"/>: refreshed
/// in the background after <see cref="KeyVaultOptions.CacheDuration"/>, kept through a vault outage, and read again
/// at once (one read for all callers) when Sinch refuses the key (rotation without a restart).
/// </summary>
internal sealed partial class KeyVaultCredentialStore : ISinchCredentialStore
{
    private readonly SecretClient _secrets;
    private readonly KeyVaultOptions _options;
    private readonly ILogger<KeyVaultCredentialStore> _logger;
    private readonly RefreshingCache<SinchCredentials> _cache;
    private readonly SenderMetrics _metrics;

    public KeyVaultCredentialStore(SecretClient secrets, IOptions<KeyVaultOptions> options, TimeProvider time, SenderMetrics metrics, ILogger<KeyVaultCredentialStore> logger)
    {
        _secrets = secrets;
        _metrics = metrics;
        _options = options.Value;
        _logger = logger;
        _cache = new RefreshingCache<SinchCredentials>(ReadFromVaultAsync, time, _options.CacheDuration, _options.MaxStaleness, _options.FailureBackoff, logger, "the Sinch credentials");
    }

    public string AccessKeySettingNames =>
        $"the Key Vault secrets named by KeyVault:SecretNames:KeyId ('{_options.SecretNames.KeyId}') and KeyVault:SecretNames:KeySecret ('{_options.SecretNames.KeySecret}')";

    public ValueTask<SinchCredentials> GetAsync(CancellationToken cancellationToken) => _cache.GetAsync(cancellationToken);

    public async ValueTask<SinchCredentials> RefreshAsync(SinchCredentials rejected, CancellationToken cancellationToken)
    {
        var refreshed = await _cache.RefreshAsync(rejected, cancellationToken);
        if (refreshed.Equals(rejected))
        {
            LogVaultHoldsRefusedKey(_logger, RefreshingCache<SinchCredentials>.RereadAfterRefusal);
        }
        else
        {
            LogReadAfterRefusal(_logger);
        }

        return refreshed;
    }

    private async Task<SinchCredentials> ReadFromVaultAsync(CancellationToken cancellationToken)
    {
        var names = _options.SecretNames;
        var projectId = ReadSecretAsync("KeyVault:SecretNames:ProjectId", names.ProjectId, cancellationToken);
        var appId = ReadSecretAsync("KeyVault:SecretNames:AppId", names.AppId, cancellationToken);
        var keyId = ReadSecretAsync("KeyVault:SecretNames:KeyId", names.KeyId, cancellationToken);
        var keySecret = ReadSecretAsync("KeyVault:SecretNames:KeySecret", names.KeySecret, cancellationToken);
        await ((Task)Task.WhenAll(projectId, appId, keyId, keySecret)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        // Surface a configuration error before a transient one: retrying will not fix a missing secret.
        var failures = new[] { projectId, appId, keyId, keySecret }.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).ToList();
        if (failures.OfType<CredentialsMisconfiguredException>().FirstOrDefault() is { } misconfigured)
        {
            throw misconfigured;
        }

        if (failures.Count > 0)
        {
            throw failures[0];
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new SinchCredentials(projectId.Result, appId.Result, keyId.Result, keySecret.Result);
    }

    // Counted where it happens, whatever the failure is classified as below.
    private bool Failed()
    {
        _metrics.KeyVaultRead(succeeded: false);
        return false;
    }

    private async Task<string> ReadSecretAsync(string setting, string secretName, CancellationToken cancellationToken)
    {
        KeyVaultSecret secret;
        try
        {
            secret = (await _secrets.GetSecretAsync(secretName, cancellationToken: cancellationToken)).Value;
            _metrics.KeyVaultRead(succeeded: true);
        }
        catch (Exception) when (Failed())
        {
            throw;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new CredentialsMisconfiguredException(
                $"Key Vault has no secret named '{secretName}' (set it, or point {setting} at the right name).", setting, ex);
        }
        catch (RequestFailedException ex) when (ex.Status is 401 or 403)
        {
            throw new CredentialsMisconfiguredException(
                $"Key Vault refused to let this app read '{secretName}' (HTTP {ex.Status}); grant its identity the 'Key Vault Secrets User' role.",
                "KeyVault:VaultUri", ex);
        }
        catch (RequestFailedException ex) when (ex.Status is 0 or 408 or 429 or >= 500)
        {
            throw new CredentialsUnavailableException($"Key Vault did not answer the read of '{secretName}' (HTTP {ex.Status}).", ex);
        }
        catch (RequestFailedException ex)
        {
            throw new CredentialsMisconfiguredException(
                $"Key Vault rejected the read of '{secretName}' (HTTP {ex.Status}, {ex.ErrorCode}).", setting, ex);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new CredentialsMisconfiguredException(
                "No Azure credential could get a token for Key Vault; check the app's managed identity.",
                "KeyVault:ManagedIdentityClientId", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CredentialsUnavailableException($"Key Vault timed out reading '{secretName}'.", ex);
        }

        return string.IsNullOrWhiteSpace(secret.Value)
            ? throw new CredentialsMisconfiguredException($"The Key Vault secret '{secretName}' is empty.", setting)
            : secret.Value.Trim();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Read a new Sinch key from Key Vault (Sinch refused the cached one).")]
    private static partial void LogReadAfterRefusal(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sinch refused the key and Key Vault still holds the same one; the vault is read again at most every {Interval} until it changes.")]
    private static partial void LogVaultHoldsRefusedKey(ILogger logger, TimeSpan interval);
}
