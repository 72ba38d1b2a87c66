using ConversationSender.Sinch;
using Microsoft.Extensions.Options;

namespace ConversationSender.Credentials;

/// <summary>Credentials from the <c>Sinch</c> section (local settings); used when no vault is configured.</summary>
internal sealed class ConfigurationCredentialStore(IOptionsMonitor<SinchOptions> options) : ISinchCredentialStore
{
    private SinchCredentials? _current;

    public string AccessKeySettingNames => "Sinch:KeyId and Sinch:KeySecret";

    // One object while the values stay the same, so that what is derived from it (token cache keys) is derived once.
    public ValueTask<SinchCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var sinch = options.CurrentValue;
        var fresh = new SinchCredentials(
            Require(sinch.ProjectId, "Sinch:ProjectId"),
            Require(sinch.AppId, "Sinch:AppId"),
            Require(sinch.KeyId, "Sinch:KeyId"),
            Require(sinch.KeySecret, "Sinch:KeySecret"));
        var current = _current;
        if (current != fresh)
        {
            _current = current = fresh;
        }

        return ValueTask.FromResult(current);
    }

    // Configuration reloads on its own; reading the current values is all a refresh can do.
    public ValueTask<SinchCredentials> RefreshAsync(SinchCredentials rejected, CancellationToken cancellationToken) =>
        GetAsync(cancellationToken);

    private static string Require(string? value, string setting) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new CredentialsMisconfiguredException($"{setting} is not set.", setting)
            : value;
}
