using System.ComponentModel.DataAnnotations;

namespace ConversationSender.Credentials;

public sealed class KeyVaultSecretNames
{
    [Required]
    public string ProjectId { get; set; } = "sinch-project-id";

    [Required]
    public string AppId { get; set; } = "sinch-app-id";

    [Required]
    public string KeyId { get; set; } = "sinch-key-id";

    [Required]
    public string KeySecret { get; set; } = "sinch-key-secret";
}
