using System.ComponentModel.DataAnnotations;

namespace ConversationSender.Credentials;

/// <summary>Bound from the <c>KeyVault</c> configuration section.</summary>
public sealed class KeyVaultOptions
{
    public const string SectionName = "KeyVault";

    /// <summary>e.g. <c>https://my-vault.vault.azure.net/</c>. Empty: credentials come from the <c>Sinch</c> section.</summary>
    public string? VaultUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty uses <c>DefaultAzureCredential</c>.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Validated at start-up with the rest (an empty name would start and fail every read).</summary>
    [Microsoft.Extensions.Options.ValidateObjectMembers]
    public KeyVaultSecretNames SecretNames { get; set; } = new();

    /// <summary>How long secret values are reused before the vault is read again (in the background: sends keep going).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long values may still be used while the vault cannot be read (an outage); past it, sends fail transient.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromHours(24);

    /// <summary>After a failed read, how long to wait before the next one (stale values are served meanwhile).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of the Key Vault client itself on 429/5xx/network errors.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsEnabled => !string.IsNullOrWhiteSpace(VaultUri);
}
