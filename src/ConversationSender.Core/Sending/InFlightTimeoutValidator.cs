using ConversationSender.Credentials;
using ConversationSender.Idempotency;
using ConversationSender.Sinch;
using Microsoft.Extensions.Options;

namespace ConversationSender.Sending;

/// <summary>
/// A claim may be taken over after <see cref="IdempotencyOptions.InFlightTimeout"/>: shorter than the longest a send
/// can take, and a slow send still in progress would be taken over while it runs. Checked at start-up, here where
/// the send's parts meet (the idempotency store knows nothing of Sinch or Key Vault).
/// </summary>
internal sealed class InFlightTimeoutValidator(IOptions<SinchOptions> sinch, IOptions<KeyVaultOptions> keyVault) : IValidateOptions<IdempotencyOptions>
{
    public ValidateOptionsResult Validate(string? name, IdempotencyOptions options)
    {
        var longest = LongestSend(sinch.Value, keyVault.Value);
        return !options.Enabled || options.InFlightTimeout > longest
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Idempotency:InFlightTimeout ({options.InFlightTimeout}) must exceed the longest a send can take ({longest}: Key Vault reads "
                + "(KeyVault:MaxRetries + 1) × KeyVault:NetworkTimeout, then Sinch:TotalTimeout twice, the second after re-reading a rotated key).");
    }

    internal static TimeSpan LongestSend(SinchOptions sinch, KeyVaultOptions keyVault) =>
        (keyVault.IsEnabled ? keyVault.NetworkTimeout * (keyVault.MaxRetries + 1) : TimeSpan.Zero) + (sinch.TotalTimeout * 2);
}
