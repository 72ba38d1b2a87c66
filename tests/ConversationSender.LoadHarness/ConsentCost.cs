using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;
using ConversationSender.Benchmarks;
using ConversationSender.Sending;
using ConversationSender.Sinch;
using ConversationSender.Testing;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.LoadHarness;

/// <summary>
/// What the opt-out check costs a send: pairs of one send with <c>Consent:Enabled</c> on and one with it off (the order
/// flipped every pair), both against Sinch answered from memory and the suppression list on Azurite, idempotency and
/// status recording off in both so the difference is the check alone; the table reads it adds counted on the wire.
/// </summary>
internal static class ConsentCost
{
    private static readonly BinaryData ShortForm = BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""");
    private static readonly BinaryData TwoChannels = BinaryData.FromString("""
        { "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "+46701234567" }, { "channel": "WHATSAPP", "identity": "+46701234567" } ] } },
          "message": { "text_message": { "text": "Your code is 123456" } } }
        """);

    public static async Task<string> RunAsync(string azuriteConnectionString, int pairs)
    {
        var reads = new StorageRequestCounter();
        await using var on = Provider(azuriteConnectionString, consent: true, reads);
        await using var off = Provider(azuriteConnectionString, consent: false, counter: null);
        var withCheck = on.GetRequiredService<SendService>();
        var without = off.GetRequiredService<SendService>();

        var lines = new List<string> { GeneratedDocSection.MachineLine(), "" };
        foreach (var (name, body) in new[] { ("one SMS identity", ShortForm), ("SMS + WHATSAPP to one number", TwoChannels) })
        {
            for (var i = 0; i < 100; i++)
            {
                await SendAsync(withCheck, body);
                await SendAsync(without, body);
            }

            reads.Reset();
            var added = new double[pairs];
            for (var i = 0; i < pairs; i++)
            {
                var first = i % 2 == 0;
                var a = await TimedAsync(first ? withCheck : without, body);
                var b = await TimedAsync(first ? without : withCheck, body);
                added[i] = (first ? a - b : b - a).TotalMicroseconds;
            }

            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"- {name}: {reads.TableReads / (double)pairs:F2} table reads and {reads.TableWrites / (double)pairs:F2} writes added per send; added latency p50 {LoadRunner.Percentile(added, 0.5) / 1000:F2} ms, p99 {LoadRunner.Percentile(added, 0.99) / 1000:F2} ms ({pairs} pairs against Azurite on loopback)."));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static async Task<TimeSpan> TimedAsync(SendService service, BinaryData body)
    {
        var started = Stopwatch.GetTimestamp();
        await SendAsync(service, body);
        return Stopwatch.GetElapsedTime(started);
    }

    private static async Task SendAsync(SendService service, BinaryData body) =>
        _ = await service.SendAsync(body, CancellationToken.None) is SendOutcome.Accepted ? 0 : throw new InvalidOperationException("The in-memory Sinch did not accept a send.");

    private static ServiceProvider Provider(string azurite, bool consent, StorageRequestCounter? counter)
    {
        var settings = SenderSettings.PointingAt(new Uri("https://in-memory.invalid/"), "bench-project", "01BENCHAPP0000000000000001", "bench-key", "bench-secret");
        settings["SendQueueStorage"] = azurite;
        settings["Sinch:MaxSendsPerSecond"] = "0";
        settings["Idempotency:Enabled"] = "false";
        settings["Webhooks:RecordStatus"] = "false";
        settings["Consent:Enabled"] = consent ? "true" : "false";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddConversationSender(configuration);
        services.AddHttpClient<ConversationClient>().ConfigurePrimaryHttpMessageHandler(() => new InMemorySinch());
        services.AddHttpClient(OAuthTokenProvider.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new InMemorySinch());
        if (counter is not null)
        {
            services.AddAzureClients(clients => clients.ConfigureDefaults(o => o.AddPolicy(counter, HttpPipelinePosition.PerCall)));
        }

        return services.BuildServiceProvider();
    }
}
