namespace ConversationSender.Credentials;

/// <summary>The fix is in our settings or permissions: <see cref="SettingName"/> says where to look.</summary>
public sealed class CredentialsMisconfiguredException(string message, string settingName, Exception? innerException = null)
    : Exception(message, innerException)
{
    public string SettingName { get; } = settingName;
}
