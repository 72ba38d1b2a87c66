using System.Net.Http.Headers;
using System.Text;

namespace ConversationSender.IntegrationTests.Sandbox;

/// <summary>One sandbox for a test class that only sends to it (no scripts, no faults), with a client that posts sends.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public SinchSandbox Sinch { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Sinch = await SinchSandbox.StartAsync();
        Http = new HttpClient { BaseAddress = Sinch.BaseUrl };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Sinch.Options.KeyId}:{Sinch.Options.KeySecret}")));
    }

    public async Task<HttpResponseMessage> SendAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await Http.PostAsync($"v1/projects/{Sinch.Options.ProjectId}/messages:send", content);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Sinch.DisposeAsync();
    }
}
