using Azure.Storage.Blobs;
using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.RateLimiting;
using Microsoft.Extensions.Logging.Abstractions;

namespace ConversationSender.IntegrationTests.RateLimiting;

/// <summary>
/// The fleet budget on real blob leases (Azurite): the store's answers, and instances sharing a container — their
/// shares add up to no more than the budget, and a leaving instance's partitions go to the others.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobRateBudgetTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);
    private readonly RateBudgetOptions _options = new() { RateBudgetPartitions = 20 };

    [Fact]
    public async Task A_lease_is_held_by_one_lease_id_at_a_time_and_listed_as_leased()
    {
        var store = new BlobRateBudgetStore(NewContainer());
        string mine = Guid.NewGuid().ToString(), theirs = Guid.NewGuid().ToString();

        Assert.True(await store.TryAcquireAsync("partitions/0001", mine, Lease, CancellationToken.None));
        Assert.False(await store.TryAcquireAsync("partitions/0001", theirs, Lease, CancellationToken.None));
        Assert.True(await store.RenewAsync("partitions/0001", mine, CancellationToken.None));
        Assert.False(await store.RenewAsync("partitions/0001", theirs, CancellationToken.None));
        Assert.Contains(new RateBudgetEntry("partitions/0001", true), await store.ReadAsync(CancellationToken.None));

        await store.ReleaseAsync("partitions/0001", mine, CancellationToken.None);

        Assert.Contains(new RateBudgetEntry("partitions/0001", false), await store.ReadAsync(CancellationToken.None));
        Assert.True(await store.TryAcquireAsync("partitions/0001", theirs, Lease, CancellationToken.None));
    }

    [Fact]
    public async Task An_unleased_name_is_deleted_and_a_leased_one_kept()
    {
        var store = new BlobRateBudgetStore(NewContainer());
        var id = Guid.NewGuid().ToString();
        await store.TryAcquireAsync("instances/a", id, Lease, CancellationToken.None);
        await store.TryAcquireAsync("instances/b", id, Lease, CancellationToken.None);
        await store.ReleaseAsync("instances/b", id, CancellationToken.None);

        await store.DeleteUnleasedAsync("instances/a", CancellationToken.None);
        await store.DeleteUnleasedAsync("instances/b", CancellationToken.None);

        Assert.Equal([new RateBudgetEntry("instances/a", true)], await store.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Three_instances_share_the_budget_and_one_leaving_hands_its_share_to_the_others()
    {
        var container = NewContainer();
        var fleet = Enumerable.Range(0, 3).Select(_ => Instance(container)).ToList();

        for (var round = 0; round < 3; round++)
        {
            foreach (var (budget, share) in fleet)
            {
                budget.TryAcquire(SendPriority.Backlog);
                await share.RebalanceAsync(CancellationToken.None);
            }
        }

        var shared = _options.RateBudgetPartitions - _options.ReservedPartitions;
        Assert.All(fleet, i => Assert.InRange(i.Share.Held, shared / 3, (shared + 2) / 3));
        Assert.InRange(fleet.Sum(i => i.Budget.Ceiling), 0, _options.RequestsPerSecondBudget);

        await fleet[2].Share.LeaveAsync(CancellationToken.None);
        for (var round = 0; round < 2; round++)
        {
            foreach (var (budget, share) in fleet.Take(2))
            {
                budget.TryAcquire(SendPriority.Backlog);
                await share.RebalanceAsync(CancellationToken.None);
            }
        }

        Assert.All(fleet.Take(2), i => Assert.InRange(i.Share.Held, shared / 2, (shared + 1) / 2));
        Assert.Equal(0, fleet[2].Budget.Ceiling);
        fleet.ForEach(i => i.Budget.Dispose());
    }

    [Fact]
    public async Task An_unreachable_account_falls_back_to_the_static_share()
    {
        var unreachable = new BlobContainerClient(new Uri("http://127.0.0.1:9/devstoreaccount1/rate-budget"), new BlobClientOptions { Retry = { MaxRetries = 0 } });
        var (budget, share) = Instance(unreachable);
        budget.TryAcquire(SendPriority.Backlog);

        await share.RebalanceAsync(CancellationToken.None);

        Assert.True(share.InFallback);
        Assert.Equal(_options.StaticShare, budget.Ceiling, 6);
        budget.Dispose();
    }

    private BlobContainerClient NewContainer() =>
        new(azurite.ConnectionString, "budget-" + Guid.NewGuid().ToString("N")[..12]);

    private (SendBudget Budget, FleetShare Share) Instance(BlobContainerClient container)
    {
        var budget = new SendBudget(TimeProvider.System, _options.RequestsPerSecondBudget, adaptive: true);
        return (budget, new FleetShare(new BlobRateBudgetStore(container), budget, _options, TimeProvider.System, NullLogger<FleetShare>.Instance));
    }
}
