using Microsoft.Extensions.Options;

namespace ConversationSender.Credentials;

/// <summary>
/// <see cref="KeyVaultOptions"/>' data annotations, nested <see cref="KeyVaultSecretNames"/> included (which
/// <c>ValidateDataAnnotations</c> does not reach), checked by a source-generated validator at start-up.
/// </summary>
[OptionsValidator]
internal sealed partial class KeyVaultOptionsAnnotations : IValidateOptions<KeyVaultOptions>;
