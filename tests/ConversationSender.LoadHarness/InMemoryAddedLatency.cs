using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using ConversationSender.Benchmarks;
using ConversationSender.Sending;
using ConversationSender.Sinch;
using ConversationSender.Testing;
using ConversationSender.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.LoadHarness;

/// <summary>
/// What the product adds to one send at the configured rate (<c>Sinch:MaxSendsPerSecond</c>, its default unless
/// given), in process against Sinch answered from memory: pairs of a bare <see cref="HttpClient"/> post and a
/// <see cref="SendService"/> send, one pair per rate tick (so the rate limiter never queues), the order flipped every
/// pair; each pair's difference is what that send added.
/// </summary>
internal static class InMemoryAddedLatency
{
    private static readonly BinaryData ShortForm = BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""");
    private static readonly Uri SendPath = new("https://in-memory.invalid/v1/projects/bench-project/messages:send");

    public static async Task<string> RunAsync(int pairs)
    {
        var settings = SenderSettings.PointingAt(new Uri("https://in-memory.invalid/"), "bench-project", "01BENCHAPP0000000000000001", "bench-key", "bench-secret");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddConversationSender(configuration);
        services.AddHttpClient<ConversationClient>().ConfigurePrimaryHttpMessageHandler(() => new InMemorySinch());
        services.AddHttpClient(OAuthTokenProvider.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new InMemorySinch());
        await using var provider = services.BuildServiceProvider();
        var rate = configuration.GetValue("Sinch:MaxSendsPerSecond", new SinchOptions().MaxSendsPerSecond);
        var sendService = provider.GetRequiredService<SendService>();
        using var bare = new HttpClient(new InMemorySinch());
        var wire = JsonSerializer.SerializeToUtf8Bytes(
            OutboundMessageValidator.Validate(ShortForm, out _).Request! with { AppId = "01BENCHAPP0000000000000001" },
            SinchJsonContext.Default.SendMessageRequest);

        async Task<bool> Bare()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, SendPath) { Content = new ByteArrayContent(wire) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "in-memory-token");
            using var response = await bare.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            return response.IsSuccessStatusCode;
        }

        async Task<bool> Product() => await sendService.SendAsync(ShortForm, CancellationToken.None) is SendOutcome.Accepted;

        // Warm the JIT's tiers without the limiter in the way is not possible (it is the product's); warm slowly instead.
        for (var i = 0; i < 200; i++)
        {
            await Bare();
        }

        var added = new double[pairs];
        var tick = TimeSpan.FromSeconds(1 / rate);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < pairs; i++)
        {
            var due = tick * i - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            var bareStarted = Stopwatch.GetTimestamp();
            var productTook = TimeSpan.Zero;
            if (i % 2 == 1)
            {
                var productStarted = Stopwatch.GetTimestamp();
                _ = await Product() ? 0 : throw new InvalidOperationException("The in-memory Sinch did not accept a send.");
                productTook = Stopwatch.GetElapsedTime(productStarted);
                bareStarted = Stopwatch.GetTimestamp();
            }

            await Bare();
            var bareTook = Stopwatch.GetElapsedTime(bareStarted);
            if (i % 2 == 0)
            {
                var productStarted = Stopwatch.GetTimestamp();
                _ = await Product() ? 0 : throw new InvalidOperationException("The in-memory Sinch did not accept a send.");
                productTook = Stopwatch.GetElapsedTime(productStarted);
            }

            added[i] = (productTook - bareTook).TotalMicroseconds;
        }

        // The first sends run cold (JIT, token fetch); the report is of the send once the product is running.
        var steady = added[Math.Min(pairs / 10, 100)..];
        return string.Create(CultureInfo.InvariantCulture,
            $"Added per send at {rate}/s, in process against an in-memory Sinch ({steady.Length} pairs after {pairs - steady.Length} warm-up pairs): p50 {LoadRunner.Percentile(steady, 0.5):F1} µs, p99 {LoadRunner.Percentile(steady, 0.99):F1} µs, max {steady.Max():F1} µs.");
    }
}
