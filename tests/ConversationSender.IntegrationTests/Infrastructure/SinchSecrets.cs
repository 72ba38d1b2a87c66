namespace ConversationSender.IntegrationTests.Infrastructure;

/// <summary>The four Sinch secrets in the fake vault, for a project and app the sandbox then expects (and no other).</summary>
internal static class SinchSecrets
{
    public static void Store(FakeKeyVaultServer vault, SinchSandbox sinch, string projectId, string appId)
    {
        vault.Secrets["sinch-project-id"] = projectId;
        vault.Secrets["sinch-app-id"] = appId;
        vault.Secrets["sinch-key-id"] = SinchSandbox.DefaultKeyId;
        vault.Secrets["sinch-key-secret"] = sinch.KeySecret;
        sinch.Options.ProjectId = projectId;
        sinch.Options.AppId = appId;
    }
}
