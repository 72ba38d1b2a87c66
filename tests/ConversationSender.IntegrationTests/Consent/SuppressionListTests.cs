using ConversationSender.Consent;
using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConversationSender.IntegrationTests.Consent;

/// <summary>The suppression list on Azurite's tables, built by the app's own registration.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SuppressionListTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private ServiceProvider _services = null!;
    private SuppressionList _list = null!;
    private ConsentOptions _options = null!;

    public Task InitializeAsync()
    {
        // Nothing here calls Sinch: its settings only satisfy start-up validation.
        var settings = SenderSettings.PointingAt(new Uri("http://127.0.0.1:9/"), SenderHost.ProjectId, SenderHost.AppId, "key", "secret");
        settings["SendQueueStorage"] = azurite.ConnectionString;
        settings["Consent:TableName"] = "consent" + Guid.NewGuid().ToString("N")[..12];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSingleton<Azure.Core.TokenCredential>(new FakeTokenCredential());
        services.AddConversationSender(configuration);
        _services = services.BuildServiceProvider();
        _list = _services.GetRequiredService<SuppressionList>();
        _options = _services.GetRequiredService<IOptions<ConsentOptions>>().Value;
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _services.DisposeAsync().AsTask();

    [Fact]
    public async Task An_sms_opt_out_covers_mms_and_rcs_of_the_same_number_whatever_its_spelling_but_not_whatsapp()
    {
        var result = await _list.ApplyAsync(Subject("SMS", "15551234567"), OptOut("inbound-1"), default);

        Assert.Equal(new ConsentApplyResult(Changed: true, Duplicate: false), result);
        foreach (var (channel, identity) in new[] { ("SMS", "+15551234567"), ("MMS", "+1 (555) 123-4567"), ("RCS", "15551234567") })
        {
            var found = Assert.Single(await _list.FindAsync(Subject(channel, identity), default));
            Assert.Equal((ConsentCategory.All, At, ConsentSource.Keyword, "SMS"), (found.Category, found.Since, found.Source, found.Channel));
        }

        Assert.Empty(await _list.FindAsync(Subject("WHATSAPP", "+15551234567"), default));
        Assert.Empty(await _list.FindAsync(Subject("SMS", "+15551234568"), default));
    }

    [Fact]
    public async Task A_redelivered_event_changes_nothing_twice_and_says_what_the_first_did()
    {
        var subject = Subject("SMS", "+46700000001");

        var first = await _list.ApplyAsync(subject, OptOut("inbound-2"), default);
        var again = await _list.ApplyAsync(subject, OptOut("inbound-2") with { At = At.AddMinutes(1) }, default);
        var otherStop = await _list.ApplyAsync(subject, OptOut("inbound-3") with { At = At.AddMinutes(2) }, default);

        Assert.Equal(new ConsentApplyResult(true, false), first);
        Assert.Equal(new ConsentApplyResult(true, true), again);
        Assert.Equal(new ConsentApplyResult(false, false), otherStop); // already opted out: recorded, not a change
        var record = await _list.LookupAsync(subject, default);
        Assert.Equal([("inbound-2", true), ("inbound-3", false)], record!.History.Select(h => (h.Reference, h.Changed)));
        Assert.Equal(At, Assert.Single(record.Suppressions).Since); // since the first STOP, not the last
    }

    [Fact]
    public async Task Start_takes_back_every_category_and_start_marketing_only_marketing()
    {
        var subject = Subject("WHATSAPP", "+46700000002");
        await _list.ApplyAsync(subject, OptOut("a") with { Category = ConsentCategory.Marketing }, default);
        await _list.ApplyAsync(subject, OptOut("b") with { Category = ConsentCategory.Notification, At = At.AddMinutes(1) }, default);
        await _list.ApplyAsync(subject, OptOut("c") with { Category = ConsentCategory.All, At = At.AddMinutes(2) }, default);
        Assert.Equal([ConsentCategory.All, ConsentCategory.Marketing, ConsentCategory.Notification], (await _list.FindAsync(subject, default)).Select(s => s.Category));

        await _list.ApplyAsync(subject, new ConsentChange(ConsentAction.OptIn, ConsentCategory.Marketing, ConsentSource.Keyword, At.AddHours(1), "d"), default);
        Assert.Equal([ConsentCategory.All, ConsentCategory.Notification], (await _list.FindAsync(subject, default)).Select(s => s.Category));

        var start = await _list.ApplyAsync(subject, new ConsentChange(ConsentAction.OptIn, ConsentCategory.All, ConsentSource.Operator, At.AddHours(2), Reason: "customer called"), default);
        Assert.True(start.Changed);
        Assert.Empty(await _list.FindAsync(subject, default));
        var history = (await _list.LookupAsync(subject, default))!.History;
        Assert.Equal(["a", "b", "c", "d", null], history.Select(h => h.Reference));
        Assert.Equal("customer called", history[^1].Reason);
    }

    [Fact]
    public async Task Concurrent_stops_for_one_number_change_it_once_and_keep_every_history_row()
    {
        var subject = Subject("SMS", "+46700000003");

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => _list.ApplyAsync(subject, OptOut($"race-{i}") with { At = At.AddSeconds(i) }, default)));

        Assert.Equal(1, results.Count(r => r.Changed));
        Assert.Equal(12, (await _list.LookupAsync(subject, default))!.History.Count);
    }

    [Fact]
    public async Task An_identity_never_seen_has_no_record_and_the_table_holds_no_number_in_its_keys()
    {
        Assert.Null(await _list.LookupAsync(Subject("SMS", "+46700000004"), default));
        await _list.ApplyAsync(Subject("SMS", "+46700000004"), OptOut("k"), default);

        var table = _services.GetRequiredService<StorageClientFactory>().CreateTable(_options.TableName);
        await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            Assert.DoesNotContain("46700000004", row.PartitionKey + row.RowKey, StringComparison.Ordinal);
        }
    }

    private ConsentSubject Subject(string channel, string identity) => ConsentSubject.For(channel, identity, _options);

    private static ConsentChange OptOut(string reference) =>
        new(ConsentAction.OptOut, ConsentCategory.All, ConsentSource.Keyword, At, reference, "SMS");
}
