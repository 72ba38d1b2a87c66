namespace ConversationSender.Idempotency;

/// <summary>The key table's storage account is not configured: an operator sets <see cref="SettingName"/>.</summary>
public sealed class IdempotencyStoreMisconfiguredException(string message, string settingName, Exception innerException) : Exception(message, innerException)
{
    public string SettingName { get; } = settingName;
}
