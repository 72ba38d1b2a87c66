using System.Diagnostics;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ConversationSender.IntegrationTests.Validation;

/// <summary>
/// Every string field of the contract (as the README's examples and one message with every top-level option use
/// them) filled with 64 KiB of spaces, digits, separators, nesting, a huge number, lone surrogates or control
/// characters, through both triggers: a 4xx or a success over HTTP, a dead letter or a send on the queue; never a
/// 5xx, never an exception for the host to retry.
/// </summary>
[Collection(AzuriteCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PathologicalInputTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _queueName = "hostile-" + Guid.NewGuid().ToString("N")[..12];
    private SinchSandbox _sinch = null!;
    private SenderHost _host = null!;

    /// <summary>Beside the README's examples, every nested field Sinch types in the message kinds that have them.</summary>
    private static readonly string[] EveryNestedField =
    [
        Full("""{ "contact_info_message": { "name": { "full_name": "Dr Ann B Lee Jr", "first_name": "Ann", "last_name": "Lee", "middle_name": "B", "prefix": "Dr", "suffix": "Jr" }, "phone_numbers": [ { "phone_number": "+46700000000", "type": "WORK" } ], "addresses": [ { "city": "Lund", "country": "Sweden", "state": "Skane", "zip": "22100", "type": "HOME", "country_code": "SE" } ], "email_addresses": [ { "email_address": "ann@example.com", "type": "WORK" } ], "organization": { "company": "Acme", "department": "Sales", "title": "Lead" }, "urls": [ { "url": "https://example.com/ann", "type": "WORK" } ], "birthday": "1990-04-01" } }"""),
        Full("""{ "list_message": { "title": "Shop", "description": "Pick", "media": { "url": "https://example.com/h.png", "thumbnail_url": "https://example.com/t.png", "filename_override": "h.png" }, "sections": [ { "title": "Tea", "items": [ { "choice": { "title": "Green", "description": "Hot", "postback_data": "tea", "media": { "url": "https://example.com/g.png" } } } ] }, { "title": "Goods", "items": [ { "product": { "id": "p1", "marketplace": "FACEBOOK", "quantity": 2, "item_price": 9.5, "currency": "EUR" } } ] } ], "message_properties": { "catalog_id": "c1", "menu": "Open", "whatsapp_header": "Shop" } } }"""),
        Full("""{ "choice_message": { "text_message": { "text": "Pick" }, "message_properties": { "whatsapp_footer": "Soon" }, "choices": [ { "calendar_message": { "title": "Add", "event_title": "Visit", "event_start": "2026-12-01T09:00:00Z", "event_end": "2026-12-01T10:00:00Z", "event_description": "Bring ID", "fallback_url": "https://example.com/cal" }, "postback_data": "cal" }, { "share_location_message": { "title": "Share", "fallback_url": "https://example.com/map" } }, { "call_message": { "title": "Call", "phone_number": "+46700000000" } } ] } }"""),
        Full("""{ "card_message": { "title": "Sale", "description": "Today", "height": "MEDIUM", "media_message": { "url": "https://example.com/a.png" }, "choices": [ { "url_message": { "title": "Site", "url": "https://example.com" } } ], "message_properties": { "whatsapp_header": "Offer" } }, "agent": { "display_name": "Shop", "type": "BOT", "picture_url": "https://example.com/bot.png" } }"""),
    ];

    public static IEnumerable<string> BaseMessages => ReadmeExamples.Messages.Prepend(HostileInputCases.EveryOption).Concat(EveryNestedField);

    private static string Full(string message) =>
        $$"""{ "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "+46701234567" } ] } }, "message": {{message}} }""";

    public async Task InitializeAsync()
    {
        _sinch = await SinchSandbox.StartAsync();
        var settings = SenderHost.SettingsFor(_sinch, azurite.ConnectionString, _queueName);
        _host = SenderHost.Create(settings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sinch.DisposeAsync();
    }

    [Fact]
    public async Task Over_http_every_hostile_field_value_gets_a_4xx_or_a_success_never_a_5xx()
    {
        var cases = HostileInputCases.For(BaseMessages, 64 * 1024);
        Assert.True(cases.Count > 300, $"only {cases.Count} cases");
        var function = _host.CreateFunction<SendMessageHttpFunction>();
        var answers = new List<(HostileInputCase Case, int Status, TimeSpan Took)>();
        foreach (var hostile in cases)
        {
            var took = Stopwatch.StartNew();
            var context = HttpInvoker.Request(_host, hostile.Json);
            var answer = await HttpInvoker.ExecuteAsync(context, await function.RunAsync(context.Request, CancellationToken.None));
            answers.Add((hostile, answer.Status, took.Elapsed));
        }

        // For the record (not asserted: speed is measured by the benchmark): the slowest field per kind of value.
        foreach (var kind in answers.GroupBy(a => a.Case.Kind))
        {
            var slowest = kind.MaxBy(a => a.Took);
            output.WriteLine($"{kind.Key}: slowest {slowest.Case.Field} {slowest.Took.TotalMilliseconds:F1} ms; statuses {string.Join(", ", kind.GroupBy(a => a.Status).Select(g => $"{g.Key}×{g.Count()}"))}");
        }

        Expect.All(answers, a => Assert.True(a.Status is >= 200 and < 300 or 400 or 413 or 422, $"{a.Case}: HTTP {a.Status}"));
        Assert.Contains(answers, a => a.Status == 400);
    }

    [Fact]
    public async Task On_the_queue_every_hostile_field_value_is_dead_lettered_with_a_reason_or_sent_never_thrown()
    {
        // A queue message holds at most 48 KiB of text: the values are as long as still fits.
        var cases = HostileInputCases.For(BaseMessages, 40 * 1024);
        var function = _host.CreateFunction<SendMessageQueueFunction>();
        var failures = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var message = QueuesModelFactory.QueueMessage($"hostile-{i}", "pop", BinaryData.FromString(cases[i].Json), dequeueCount: 1, insertedOn: DateTimeOffset.UtcNow);
            try
            {
                await function.RunAsync(message, CancellationToken.None);
            }
            catch (Exception ex)
            {
                failures.Add($"{cases[i]}: {ex.GetType().Name} {ex.Message}");
            }
        }

        Assert.Empty(failures);
        var letters = new QueueClient(azurite.ConnectionString, _queueName + "-failed");
        var deadLettered = 0;
        while ((await letters.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch)
        {
            deadLettered += batch.Length;
        }

        output.WriteLine($"{cases.Count} cases: {deadLettered} dead-lettered, {_sinch.SendRequests.Count} sent, {_sinch.RefusedRequests.Count} refused by the sandbox's checks");
        foreach (var refused in _sinch.RefusedRequests)
        {
            output.WriteLine("refused by the sandbox (the product should have refused it first): " + refused);
        }

        // The product refuses up front, with its own field error, everything the sandbox (as Sinch) would refuse:
        // a body that reaches Sinch only to be refused there is a gap in the product's checks.
        Assert.True(_sinch.RefusedRequests.IsEmpty, $"the product let through {_sinch.RefusedRequests.Count} bodies the sandbox refused: {string.Join("; ", _sinch.RefusedRequests)}");
        Assert.Equal(cases.Count, deadLettered + _sinch.SendRequests.Count);
    }
}
