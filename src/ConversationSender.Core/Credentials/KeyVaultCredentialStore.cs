using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Credentials;

/// <summary>
/// Reads the four Sinch secrets from Key Vault, caches them for <see cref="KeyVaultOptions.CacheDuration"/>
/// and reads them again when Sinch refuses the key (rotation without a restart).
/// </summary>
internal sealed class KeyVaultCredentialStore(
    SecretClient secrets,
    IOptions<KeyVaultOptions> options,
    TimeProvider time,
    ILogger<KeyVaultCredentialStore> logger) : ISinchCredentialStore, IDisposable
{
    private readonly SemaphoreSlim _readGate = new(1, 1);
    private readonly KeyVaultOptions _options = options.Value;
    private volatile CachedCredentials? _cached;

    public string AccessKeySettingNames =>
        $"the Key Vault secrets named by KeyVault:SecretNames:KeyId ('{_options.SecretNames.KeyId}') and KeyVault:SecretNames:KeySecret ('{_options.SecretNames.KeySecret}')";

    public ValueTask<SinchCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var cached = _cached;
        return cached is not null && IsFresh(cached)
            ? ValueTask.FromResult(cached.Value)
            : new ValueTask<SinchCredentials>(ReadAsync(rejected: null, cancellationToken));
    }

    public ValueTask<SinchCredentials> RefreshAsync(SinchCredentials rejected, CancellationToken cancellationToken) =>
        new(ReadAsync(rejected, cancellationToken));

    public void Dispose() => _readGate.Dispose();

    private bool IsFresh(CachedCredentials cached) => time.GetUtcNow() - cached.ReadAt < _options.CacheDuration;

    // One read in flight: a burst of sends after expiry, or of 401s after a rotation, costs one read per secret.
    private async Task<SinchCredentials> ReadAsync(SinchCredentials? rejected, CancellationToken cancellationToken)
    {
        await _readGate.WaitAsync(cancellationToken);
        try
        {
            var cached = _cached;
            if (cached is not null)
            {
                var refreshedByOtherCaller = rejected is not null && !ReferenceEquals(cached.Value, rejected);
                if (refreshedByOtherCaller || (rejected is null && IsFresh(cached)))
                {
                    return cached.Value;
                }
            }

            try
            {
                var credentials = await ReadFromVaultAsync(cancellationToken);
                _cached = new CachedCredentials(credentials, time.GetUtcNow());
                logger.LogInformation("Read the Sinch credentials from Key Vault ({Reason}).", rejected is null ? "cache expired" : "Sinch refused the cached key");
                return credentials;
            }
            catch (CredentialsUnavailableException ex) when (cached is not null && rejected is null)
            {
                // Expired but still the best we have: an outage of the vault should not stop sending.
                logger.LogWarning(ex, "Key Vault is unavailable; reusing Sinch credentials read at {ReadAt:O}.", cached.ReadAt);
                return cached.Value;
            }
        }
        finally
        {
            _readGate.Release();
        }
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

    private async Task<string> ReadSecretAsync(string setting, string secretName, CancellationToken cancellationToken)
    {
        KeyVaultSecret secret;
        try
        {
            secret = (await secrets.GetSecretAsync(secretName, cancellationToken: cancellationToken)).Value;
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

    private sealed record CachedCredentials(SinchCredentials Value, DateTimeOffset ReadAt);
}
