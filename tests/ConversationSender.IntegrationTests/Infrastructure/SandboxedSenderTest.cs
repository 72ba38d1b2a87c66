namespace ConversationSender.IntegrationTests.Infrastructure;

/// <summary>
/// A test's own sandbox and a sender host pointed at it (with a send queue of the class's own on the shared Azurite,
/// when given one), started before each test and stopped after: what a test asserts is what its Sinch received.
/// </summary>
public abstract class SandboxedSenderTest : IAsyncLifetime
{
    private readonly AzuriteFixture? _azurite;

    protected SandboxedSenderTest()
    {
    }

    protected SandboxedSenderTest(AzuriteFixture azurite, string queuePrefix)
    {
        _azurite = azurite;
        QueueName = queuePrefix + Guid.NewGuid().ToString("N")[..12];
    }

    protected AzuriteFixture Azurite => _azurite ?? throw new InvalidOperationException("This test class was not given Azurite.");

    protected string QueueName { get; } = "";

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

    /// <summary>The sandbox's settings (and the class's send queue); override to adjust settings or services.</summary>
    protected virtual SenderHost CreateHost() => SenderHost.Create(
        _azurite is null ? SenderHost.SettingsFor(Sinch) : SenderHost.SettingsFor(Sinch, _azurite.ConnectionString, QueueName));
}
