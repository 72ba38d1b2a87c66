namespace ConversationSender.IntegrationTests.Infrastructure;

/// <summary>
/// A test's own sandbox and a fake Key Vault holding its four Sinch secrets (for the project and app the class names),
/// started before each test and stopped after: the hosts a test makes read their credentials from that vault.
/// </summary>
public abstract class VaultedSandboxTest(string projectId, string appId) : IAsyncLifetime
{
    protected SinchSandbox Sinch { get; private set; } = null!;

    protected FakeKeyVaultServer Vault { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Sinch = await SinchSandbox.StartAsync();
        Vault = await FakeKeyVaultServer.StartAsync();
        SinchSecrets.Store(Vault, Sinch, projectId, appId);
    }

    public virtual async Task DisposeAsync()
    {
        await Vault.DisposeAsync();
        await Sinch.DisposeAsync();
    }
}
