namespace ConversationSender.RateLimiting;

/// <summary>
/// Named exclusive leases with a length, as blob leases are: the budget's partitions and the busy instances' presence.
/// Implemented on blob storage (<see cref="BlobRateBudgetStore"/>) and in memory for the simulation; a failure of the
/// store itself is thrown, a lease held by someone else is an answer.
/// </summary>
public interface IRateBudgetStore
{
    /// <summary>Every name in the store and whether it is leased now (one listing).</summary>
    ValueTask<IReadOnlyList<RateBudgetEntry>> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Takes the lease on <paramref name="name"/> (created if missing); false when someone else holds it.</summary>
    ValueTask<bool> TryAcquireAsync(string name, string leaseId, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Extends a lease this lease id holds; false when it was lost (expired and taken, or broken).</summary>
    ValueTask<bool> RenewAsync(string name, string leaseId, CancellationToken cancellationToken);

    ValueTask ReleaseAsync(string name, string leaseId, CancellationToken cancellationToken);

    /// <summary>Removes a name nobody leases (a dead instance's presence); a leased one is left alone.</summary>
    ValueTask DeleteUnleasedAsync(string name, CancellationToken cancellationToken);
}
