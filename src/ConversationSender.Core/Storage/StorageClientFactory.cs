using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;

namespace ConversationSender.Storage;

/// <summary>
/// Queues, tables and blob containers in the storage account the trigger listens on, from the service clients
/// registered with <c>AddAzureClients</c> under <see cref="SendQueueStorageConnection.SettingName"/> (see
/// <see cref="SendQueueStorageConnection"/>); what this adds is creating each queue, table and container once.
/// </summary>
public sealed class StorageClientFactory(
    IConfiguration configuration,
    IAzureClientFactory<QueueServiceClient> queueServices,
    IAzureClientFactory<TableServiceClient> tableServices,
    IAzureClientFactory<BlobServiceClient> blobServices)
{
    private const string ConnectionSettingName = SendQueueStorageConnection.SettingName;

    private readonly ConcurrentDictionary<string, QueueClient> _createdQueues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TableClient> _createdTables = new(StringComparer.Ordinal);
    private readonly Lazy<bool> _isConfigured = new(() => SendQueueStorageConnection.IsConfigured(configuration));

    /// <summary>A queue client whose queue exists: created on first use, remembered only once creation succeeded.</summary>
    public async ValueTask<QueueClient> GetQueueAsync(string queueName, CancellationToken cancellationToken)
    {
        if (_createdQueues.TryGetValue(queueName, out var queue))
        {
            return queue;
        }

        queue = CreateQueue(queueName);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        return _createdQueues.GetOrAdd(queueName, queue);
    }

    /// <summary>A table client whose table exists: created on first use, remembered only once creation succeeded.</summary>
    public async ValueTask<TableClient> GetTableAsync(string tableName, CancellationToken cancellationToken)
    {
        if (_createdTables.TryGetValue(tableName, out var table))
        {
            return table;
        }

        table = CreateTable(tableName);
        await table.CreateIfNotExistsAsync(cancellationToken);
        return _createdTables.GetOrAdd(tableName, table);
    }

    /// <summary>A blob container client (created on first use) in the same account, for what does not fit a queue message.</summary>
    public async ValueTask<BlobContainerClient> GetBlobContainerAsync(string containerName, CancellationToken cancellationToken)
    {
        var container = Service(blobServices, SendQueueStorageConnection.Blob).GetBlobContainerClient(containerName);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        return container;
    }

    /// <summary>Whether any form of the connection setting is present (features that need storage switch off without it).</summary>
    /// <remarks>Read once: it is asked on every send, and the host restarts the worker when settings change.</remarks>
    public bool IsConfigured => _isConfigured.Value;

    /// <summary>Base64 messages, as the queue trigger reads them (the client's own default is plain text).</summary>
    public QueueClient CreateQueue(string queueName) => Service(queueServices, SendQueueStorageConnection.Queue).GetQueueClient(queueName);

    public TableClient CreateTable(string tableName) => Service(tableServices, SendQueueStorageConnection.Table).GetTableClient(tableName);

    private TClient Service<TClient>(IAzureClientFactory<TClient> clients, SendQueueStorageConnection.Service service) =>
        SendQueueStorageConnection.IsConfigured(configuration, service)
            ? clients.CreateClient(ConnectionSettingName)
            : throw new StorageNotConfiguredException(
                $"Neither {ConnectionSettingName} nor {ConnectionSettingName}__{service.UriSetting} is set; the send queue's storage account is unknown.",
                $"{ConnectionSettingName}__{service.UriSetting}");
}
