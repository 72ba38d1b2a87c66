using ConversationSender.Sinch;

namespace ConversationSender.Credentials;

/// <summary>Where the Sinch credentials come from (Key Vault in Azure, configuration on a laptop).</summary>
public interface ISinchCredentialStore
{
    /// <summary>The settings to fix when Sinch refuses the access key, for error messages.</summary>
    string AccessKeySettingNames { get; }

    /// <exception cref="CredentialsMisconfiguredException">A value is missing or cannot be read with our identity.</exception>
    /// <exception cref="CredentialsUnavailableException">The store cannot be reached right now.</exception>
    ValueTask<SinchCredentials> GetAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Reads the values again after Sinch refused <paramref name="rejected"/> (e.g. the key was rotated),
    /// unless another caller already replaced them.
    /// </summary>
    ValueTask<SinchCredentials> RefreshAsync(SinchCredentials rejected, CancellationToken cancellationToken);
}
