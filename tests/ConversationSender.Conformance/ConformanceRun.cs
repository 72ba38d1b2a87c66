using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Core;
using ConversationSender.Sandbox;
using ConversationSender.Sending;
using ConversationSender.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConversationSender.Conformance;

/// <summary>
/// The sandbox on 127.0.0.1 and the product (Core's own DI, credentials in settings) pointed at it. A valid body goes
/// through the product's send service, and what the sandbox recorded is compared with the SDK's body; an invalid body
/// goes straight to the sandbox, which must refuse it in its first stage (400 INVALID_ARGUMENT).
/// </summary>
public sealed class ConformanceRun : IAsyncDisposable
{
    private readonly SinchSandbox _sandbox;
    private readonly ServiceProvider _product;
    private readonly SendService _send;
    private readonly HttpClient _direct;

    private ConformanceRun(SinchSandbox sandbox, ServiceProvider product)
    {
        _sandbox = sandbox;
        _product = product;
        _send = product.GetRequiredService<SendService>();
        _direct = new HttpClient { BaseAddress = sandbox.BaseUrl };
        _direct.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sandbox.Options.KeyId}:{sandbox.Options.KeySecret}")));
    }

    public static async Task<ConformanceRun> StartAsync()
    {
        // Fixtures address contacts, which only an app in CONVERSATION mode has.
        var sandbox = await SinchSandbox.StartAsync(configure: options => options.ProcessingMode = SandboxOptions.ConversationMode);
        var settings = SenderSettings.PointingAt(sandbox.BaseUrl, sandbox.Options.ProjectId, sandbox.Options.AppId, sandbox.Options.KeyId, sandbox.Options.KeySecret);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<TokenCredential>(new FakeTokenCredential());
        services.AddConversationSender(configuration);
        var product = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        product.GetRequiredService<IStartupValidator>().Validate();
        return new ConformanceRun(sandbox, product);
    }

    public Task<ConformanceResult> CheckAsync(SdkFixture fixture) =>
        fixture.SinchValid ? CheckAcceptedAsync(fixture) : CheckRefusedAsync(fixture);

    public async ValueTask DisposeAsync()
    {
        _direct.Dispose();
        await _product.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    private async Task<ConformanceResult> CheckAcceptedAsync(SdkFixture fixture)
    {
        var outcome = await _send.SendAsync(BinaryData.FromString(fixture.ProductBody()), CancellationToken.None);
        if (outcome is not SendOutcome.Accepted { MessageId: { } id })
        {
            return new(fixture.Id, true, false, "refused by the product: " + Describe(outcome));
        }

        var recorded = _sandbox.Captured.FirstOrDefault(m => m.MessageId == id);
        if (recorded is null)
        {
            return new(fixture.Id, true, false, $"accepted as {id}, but the sandbox recorded no such message");
        }

        using var expected = JsonDocument.Parse(fixture.BodyFor(_sandbox.Options.AppId).ToJsonString());
        using var sent = JsonDocument.Parse(recorded.RequestBody);
        var differences = JsonDifferences.Between(expected.RootElement, sent.RootElement);
        return differences.Count == 0
            ? new(fixture.Id, true, true, "accepted by the product and forwarded unchanged")
            : new(fixture.Id, true, false, $"forwarded with {differences.Count} difference(s): {string.Join("; ", differences.Take(5))}");
    }

    private async Task<ConformanceResult> CheckRefusedAsync(SdkFixture fixture)
    {
        var path = $"v1/projects/{Uri.EscapeDataString(_sandbox.Options.ProjectId)}/messages:send";
        using var content = new StringContent(fixture.BodyFor(_sandbox.Options.AppId).ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _direct.PostAsync(path, content);
        var answer = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 400)
        {
            return new(fixture.Id, false, false, $"accepted by the sandbox ({(int)response.StatusCode}); Sinch refuses it: {fixture.Note}");
        }

        using var error = JsonDocument.Parse(answer);
        var fields = error.RootElement.GetProperty("error").TryGetProperty("details", out var details)
            ? details.EnumerateArray().SelectMany(d => d.GetProperty("field_violations").EnumerateArray()).Select(v => v.GetProperty("field").GetString()).Distinct()
            : [];
        return new(fixture.Id, false, true, "refused by the sandbox: " + string.Join(", ", fields));
    }

    private static string Describe(SendOutcome outcome) => outcome switch
    {
        SendOutcome.Rejected rejected => $"{rejected.Reason} {string.Join("; ", rejected.Errors.Select(e => $"{e.Field}: {e.Message}"))}",
        _ => outcome.ToString(),
    };
}
