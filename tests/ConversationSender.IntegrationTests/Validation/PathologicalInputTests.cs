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

    public static IEnumerable<string> BaseMessages => ReadmeExamples.Messages.Prepend(HostileInputCases.EveryOption);

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
            output.WriteLine("refused by the sandbox (and dead-lettered with its reason): " + refused);
        }

        // A send the sandbox refuses (as Sinch would) is dead-lettered with Sinch's reason: counted once.
        Assert.Equal(cases.Count, deadLettered + _sinch.SendRequests.Count - _sinch.RefusedRequests.Count);
    }
}
