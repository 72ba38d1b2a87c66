namespace ConversationSender.IntegrationTests.Infrastructure;

/// <summary>
/// A test class's own sandbox and a sender host pointed at it, with a send queue of its own on the shared Azurite:
/// started before each test and stopped after, so that what a test asserts is what its Sinch received.
/// </summary>
public abstract class SandboxedSenderTest(AzuriteFixture azurite, string queuePrefix) : IAsyncLifetime
{
    protected AzuriteFixture Azurite { get; } = azurite;

    protected string QueueName { get; } = queuePrefix + Guid.NewGuid().ToString("N")[..12];

    protected SinchSandbox Sinch { get; private set; } = null!;

    protected SenderHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Sinch = await SinchSandbox.StartAsync();
        Host = CreateHost();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Sinch.DisposeAsync();
    }

    /// <summary>The sandbox's settings with the class's send queue; override to adjust settings or services.</summary>
    protected virtual SenderHost CreateHost() => SenderHost.Create(SenderHost.SettingsFor(Sinch, Azurite.ConnectionString, QueueName));
}
