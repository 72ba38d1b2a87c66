using Azure.Data.Tables;
using ConversationSender.Functions;
using ConversationSender.Queueing;
using ConversationSender.Retention;
using ConversationSender.Sending;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>The hourly purge on real Azurite, with a fake clock: fresh rows stay, rows past their retention go.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetentionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Message = """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""";
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private SinchSandbox _sinch = null!;
    private SenderHost _host = null!;

    public async Task InitializeAsync()
    {
        _sinch = await SinchSandbox.StartAsync();
        var settings = SenderHost.SettingsFor(_sinch);
        settings["SendQueueStorage"] = azurite.ConnectionString;
        settings["SendQueueName"] = "purge-" + _suffix;
        settings["Idempotency:TableName"] = "idem" + _suffix;
        settings["Webhooks:StatusTableName"] = "status" + _suffix;
        _host = SenderHost.Create(settings, s => s.AddSingleton<TimeProvider>(_clock));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sinch.DisposeAsync();
    }

    [Fact]
    public async Task Rows_and_originals_past_their_retention_are_deleted_and_fresh_ones_kept()
    {
        // A keyed send is recorded in its idempotency row only; a send without a key in the status table.
        var sent = Assert.IsType<SendOutcome.Accepted>(await _host.Get<SendService>().SendAsync(BinaryData.FromString(Message), "order-1", null, CancellationToken.None));
        Assert.IsType<SendOutcome.Accepted>(await _host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        await _host.Get<DeadLetterWriter>().WriteAsync(new DeadLetterEntry
        {
            Reason = "test", Outcome = "rejected", OriginalMessageId = "m-1", QueueName = "purge-" + _suffix, FailedOn = _clock.GetUtcNow(),
            OriginalMessage = new string('"', 40_000), // re-escaped, too large to sit in the entry: kept in a blob
        }, CancellationToken.None);
        var function = _host.CreateFunction<PurgeExpiredDataFunction>();
        var purger = _host.Get<RetentionPurger>();

        var early = await purger.PurgeAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromDays(31));
        await function.RunAsync(null!, CancellationToken.None);
        var late = await purger.PurgeAsync(CancellationToken.None);

        Assert.Equal(new PurgeResult(0, 0, 0), early);
        Assert.Equal(new PurgeResult(0, 0, 0), late); // the function's run took everything
        Assert.Empty(await RowsAsync("idem" + _suffix));
        Assert.Empty(await RowsAsync("status" + _suffix));
        var container = await _host.Get<ConversationSender.Storage.StorageClientFactory>().GetBlobContainerAsync(_host.Get<DeadLetterWriter>().OverflowContainerName, CancellationToken.None);
        Assert.Empty(await container.GetBlobsAsync().ToListAsync());
        Assert.Contains(_host.Logs.Lines, l => l.Contains("Retention purge: 1 idempotency rows, 1 status rows, 1 dead-letter originals deleted.", StringComparison.Ordinal));
        Assert.NotNull(sent.MessageId);
    }

    private async Task<List<TableEntity>> RowsAsync(string table) =>
        await new TableClient(azurite.ConnectionString, table).QueryAsync<TableEntity>().ToListAsync();
}
