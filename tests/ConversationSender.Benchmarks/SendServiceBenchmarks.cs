using System.Net.Http.Headers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ConversationSender.Sending;
using ConversationSender.Sinch;
using ConversationSender.Validation;
using Microsoft.Extensions.Configuration;
using ConversationSender.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.Benchmarks;

/// <summary>
/// The whole <see cref="SendService"/> path for one text message (validate, map, credentials, resilience pipeline, auth
/// handler, serialize, parse the answer, metrics), against Sinch answered from memory, beside a bare
/// <see cref="HttpClient"/> posting the pre-serialised request to the same in-memory handler: the difference is the
/// product's own cost per send, in time and bytes.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class SendServiceBenchmarks
{
    private static readonly BinaryData ShortForm = BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""");
    private static readonly Uri SendPath = new("https://in-memory.invalid/v1/projects/bench-project/messages:send");

    private ServiceProvider _services = null!;
    private SendService _sendService = null!;
    private HttpClient _bare = null!;
    private byte[] _wire = null!;

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        var settings = SenderSettings.PointingAt(new Uri("https://in-memory.invalid/"), "bench-project", "01BENCHAPP0000000000000001", "bench-key", "bench-secret");
        settings["Sinch:MaxSendsPerSecond"] = "0";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddConversationSender(configuration);
        services.AddHttpClient<ConversationClient>().ConfigurePrimaryHttpMessageHandler(() => new InMemorySinch());
        services.AddHttpClient(OAuthTokenProvider.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new InMemorySinch());
        _services = services.BuildServiceProvider();
        _sendService = _services.GetRequiredService<SendService>();
        if (await _sendService.SendAsync(ShortForm, CancellationToken.None) is not SendOutcome.Accepted)
        {
            throw new InvalidOperationException("The in-memory Sinch did not accept the benchmark's send; the numbers would be of a refusal.");
        }

        _bare = new HttpClient(new InMemorySinch());
        _wire = JsonSerializer.SerializeToUtf8Bytes(
            OutboundMessageValidator.Validate(ShortForm, out _).Request! with { AppId = "01BENCHAPP0000000000000001" },
            SinchJsonContext.Default.SendMessageRequest);
    }

    [GlobalCleanup]
    public async Task CleanUpAsync()
    {
        _bare.Dispose();
        await _services.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "bare HttpClient post (pre-serialised)")]
    public async Task<byte[]> BarePost()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, SendPath) { Content = new ByteArrayContent(_wire) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "in-memory-token");
        using var response = await _bare.SendAsync(request);
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Benchmark(Description = "SendService, text message, no key")]
    public Task<SendOutcome> SendService() => _sendService.SendAsync(ShortForm, CancellationToken.None);
}
