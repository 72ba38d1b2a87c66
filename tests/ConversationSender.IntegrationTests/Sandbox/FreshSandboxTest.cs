namespace ConversationSender.IntegrationTests.Sandbox;

/// <summary>A sandbox of its own for every test (tests here script it, switch faults on and count its requests), and a plain client.</summary>
public abstract class FreshSandboxTest : IAsyncLifetime
{
    protected const string Message = """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hello sandbox", "correlation_id": "c-1" }""";

    protected SinchSandbox Sandbox { get; private set; } = null!;

    protected HttpClient Http { get; } = new();

    public async Task InitializeAsync() => Sandbox = await SinchSandbox.StartAsync();

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Sandbox.DisposeAsync();
    }
}
