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

        // One instance of one sending group: its static share (what it sends at before, or without, the fleet
        // budget's lease loop, which only a running host starts) is the whole budget.
        ["Sinch:RateBudgetMaxInstances"] = "1",
        ["Sinch:RateBudgetSendingGroups"] = "1",
    };
}
