using System.Text.RegularExpressions;
using ConversationSender.Sinch;
using Microsoft.Extensions.Options;

namespace ConversationSender.Credentials;

/// <summary>
/// Checks that one credential source is complete: the vault settings when a vault is configured,
/// otherwise the four <c>Sinch</c> values, so a missing secret fails at start-up, not on the first send.
/// </summary>
internal sealed partial class KeyVaultOptionsValidator(IOptions<SinchOptions> sinchOptions) : IValidateOptions<KeyVaultOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyVaultOptions options)
    {
        var failures = new List<string>();
        if (options.IsEnabled)
        {
            if (!Uri.TryCreate(options.VaultUri, UriKind.Absolute, out var vault) || vault.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add("KeyVault:VaultUri must be an absolute https URL, e.g. https://my-vault.vault.azure.net/.");
            }

            foreach (var (setting, secretName) in SecretSettings(options.SecretNames))
            {
                if (string.IsNullOrWhiteSpace(secretName) || !SecretName().IsMatch(secretName))
                {
                    failures.Add($"{setting} must be a Key Vault secret name (1-127 letters, digits and dashes).");
                }
            }
        }
        else
        {
            var sinch = sinchOptions.Value;
            foreach (var (setting, value) in new[]
            {
                ("Sinch:ProjectId", sinch.ProjectId), ("Sinch:AppId", sinch.AppId),
                ("Sinch:KeyId", sinch.KeyId), ("Sinch:KeySecret", sinch.KeySecret),
            })
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    failures.Add($"{setting} is required when KeyVault:VaultUri is not set.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static IEnumerable<(string Setting, string SecretName)> SecretSettings(KeyVaultSecretNames names) =>
    [
        ("KeyVault:SecretNames:ProjectId", names.ProjectId),
        ("KeyVault:SecretNames:AppId", names.AppId),
        ("KeyVault:SecretNames:KeyId", names.KeyId),
        ("KeyVault:SecretNames:KeySecret", names.KeySecret),
    ];

    [GeneratedRegex("^[0-9A-Za-z-]{1,127}$", RegexOptions.NonBacktracking)]
    private static partial Regex SecretName();
}
