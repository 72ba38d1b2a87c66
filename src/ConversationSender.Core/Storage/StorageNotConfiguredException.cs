namespace ConversationSender.Storage;

/// <summary>A feature needs the storage account, and no setting names it: <see cref="SettingName"/> is the one to set.</summary>
public sealed class StorageNotConfiguredException(string message, string settingName) : Exception(message)
{
    public string SettingName { get; } = settingName;
}
