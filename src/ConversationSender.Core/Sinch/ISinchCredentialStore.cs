namespace ConversationSender.Sinch;

/// <summary>
/// Where the Sinch credentials come from (Key Vault in Azure, configuration on a laptop). Declared here, where it is
/// used: the client reads the project and app per send, the authentication handler re-reads a refused key.
/// </summary>
public interface ISinchCredentialStore
{
    /// <summary>The settings to fix when Sinch refuses the access key, for error messages.</summary>
    string AccessKeySettingNames { get; }

    /// <exception cref="Exception">The store's own: misconfigured (retrying will not help) or unavailable right now.</exception>
    ValueTask<SinchCredentials> GetAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Reads the values again after Sinch refused <paramref name="rejected"/> (e.g. the key was rotated),
    /// unless another caller already replaced them.
    /// </summary>
    ValueTask<SinchCredentials> RefreshAsync(SinchCredentials rejected, CancellationToken cancellationToken);
}
