using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace ConversationSender.RateLimiting;

/// <summary>
/// The budget's leases as blob leases on empty blobs in one container of the app's storage account (the Azure
/// Architecture Center's Rate Limiting pattern): exclusivity, expiry of a dead holder's lease and the listing of who is
/// leased all come from the storage service, so instances need no protocol of their own.
/// </summary>
public sealed class BlobRateBudgetStore : IRateBudgetStore
{
    private readonly Lazy<BlobContainerClient> _container;

    public BlobRateBudgetStore(BlobContainerClient container) => _container = new(() => container);

    /// <summary>
    /// The container from <paramref name="container"/> on first use: a storage account that is not configured then
    /// fails each request, which <see cref="FleetShare"/> meets with the static share and a warning, not a failed start.
    /// </summary>
    public BlobRateBudgetStore(Func<BlobContainerClient> container) => _container = new(container);

    private BlobContainerClient Container => _container.Value;

    public async ValueTask<IReadOnlyList<RateBudgetEntry>> ReadAsync(CancellationToken cancellationToken)
    {
        var entries = new List<RateBudgetEntry>();
        try
        {
            await foreach (var blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken))
            {
                entries.Add(new RateBudgetEntry(blob.Name, blob.Properties.LeaseState == LeaseState.Leased));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No container yet: nothing is leased; the first acquisition creates it.
        }

        return entries;
    }

    public async ValueTask<bool> TryAcquireAsync(string name, string leaseId, TimeSpan duration, CancellationToken cancellationToken)
    {
        var blob = Container.GetBlobClient(name);
        try
        {
            await blob.GetBlobLeaseClient(leaseId).AcquireAsync(duration, cancellationToken: cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            await CreateAsync(blob, e.ErrorCode == BlobErrorCode.ContainerNotFound, cancellationToken);
        }

        try
        {
            await blob.GetBlobLeaseClient(leaseId).AcquireAsync(duration, cancellationToken: cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async ValueTask<bool> RenewAsync(string name, string leaseId, CancellationToken cancellationToken)
    {
        try
        {
            await Container.GetBlobClient(name).GetBlobLeaseClient(leaseId).RenewAsync(cancellationToken: cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            return false;
        }
    }

    public async ValueTask ReleaseAsync(string name, string leaseId, CancellationToken cancellationToken)
    {
        try
        {
            await Container.GetBlobClient(name).GetBlobLeaseClient(leaseId).ReleaseAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            // Already lost: nothing to give back.
        }
    }

    public async ValueTask DeleteUnleasedAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await Container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Leased again meanwhile (its instance came back): it stays.
        }
    }

    private async Task CreateAsync(BlobClient blob, bool containerMissing, CancellationToken cancellationToken)
    {
        if (containerMissing)
        {
            await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }

        try
        {
            await blob.UploadAsync(BinaryData.Empty, overwrite: false, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another instance created it first (or leased it already): acquiring tells which.
        }
    }
}
