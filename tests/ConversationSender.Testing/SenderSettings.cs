namespace ConversationSender.Testing;

/// <summary>The sender's settings for a fake Sinch at <c>sinch</c>, with the credentials in configuration (no vault).</summary>
public static class SenderSettings
{
    public static Dictionary<string, string?> PointingAt(Uri sinch, string projectId, string appId, string keyId, string keySecret) => new()
    {
        ["Sinch:ConversationBaseUrl"] = sinch.ToString(),
        ["Sinch:AuthBaseUrl"] = sinch.ToString(),
        ["Sinch:ProjectId"] = projectId,
        ["Sinch:AppId"] = appId,
        ["Sinch:KeyId"] = keyId,
        ["Sinch:KeySecret"] = keySecret,
    };
}
