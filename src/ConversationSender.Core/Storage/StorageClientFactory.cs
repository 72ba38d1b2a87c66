using System.Collections.Concurrent;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ConversationSender.Credentials;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.Storage;

/// <summary>
/// Clients for the storage account the trigger listens on, read from the same connection setting
/// (<c>SendQueueStorage</c>: a connection string, or <c>__queueServiceUri</c>/<c>__tableServiceUri</c> with a
/// managed identity). Queue clients always use base64: the trigger's default, which a plain Azure SDK client does not use.
/// Client options come from <see cref="AzureComponentFactory"/>, so the defaults set with <c>AddAzureClients</c>
/// (retries, diagnostics, a transport) reach these clients like every other Azure client of the app.
/// </summary>
public sealed class StorageClientFactory(IConfiguration configuration, IServiceProvider services, AzureComponentFactory components)
{
    /// <summary>
    /// The app setting holding the storage connection. The queue trigger's attribute names it at compile time, so it is
    /// fixed; point it at any account (a connection string, or <c>SendQueueStorage__queueServiceUri</c> and the other
    /// service URIs with a managed identity).
    /// </summary>
    public const string ConnectionSettingName = "SendQueueStorage";

    private const string Connection = ConnectionSettingName;
    private static readonly IConfiguration NoSettings = new ConfigurationBuilder().Build();

    private readonly ConcurrentDictionary<string, QueueClient> _createdQueues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TableClient> _createdTables = new(StringComparer.Ordinal);

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

    /// <summary>Whether any form of the connection setting is present (features that need storage switch off without it).</summary>
    public bool IsConfigured =>
        ConnectionString is not null || configuration[$"{Connection}:queueServiceUri"] is { Length: > 0 } || configuration[$"{Connection}:tableServiceUri"] is { Length: > 0 };

    public QueueClient CreateQueue(string queueName)
    {
        var options = (QueueClientOptions)components.CreateClientOptions(typeof(QueueClientOptions), null, NoSettings);
        options.MessageEncoding = QueueMessageEncoding.Base64;
        if (ConnectionString is { } connectionString)
        {
            return new QueueClient(connectionString, queueName, options);
        }

        var serviceUri = ServiceUri("queueServiceUri");
        return new QueueClient(new Uri($"{serviceUri.TrimEnd('/')}/{queueName}"), services.GetRequiredService<TokenCredential>(), options);
    }

    /// <summary>A blob container client (created on first use) in the same account, for what does not fit a queue message.</summary>
    public async ValueTask<BlobContainerClient> GetBlobContainerAsync(string containerName, CancellationToken cancellationToken)
    {
        var options = (BlobClientOptions)components.CreateClientOptions(typeof(BlobClientOptions), null, NoSettings);
        var container = ConnectionString is { } connectionString
            ? new BlobContainerClient(connectionString, containerName, options)
            : new BlobContainerClient(new Uri($"{ServiceUri("blobServiceUri").TrimEnd('/')}/{containerName}"), services.GetRequiredService<TokenCredential>(), options);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        return container;
    }

    public TableClient CreateTable(string tableName)
    {
        var options = (TableClientOptions)components.CreateClientOptions(typeof(TableClientOptions), null, NoSettings);
        return ConnectionString is { } connectionString
            ? new TableClient(connectionString, tableName, options)
            // Without the trailing slash that primaryEndpoints values carry: on a path-style endpoint (Azurite, a custom
            // domain) the Tables client would read it as an empty table path.
            : new TableClient(new Uri(ServiceUri("tableServiceUri").TrimEnd('/')), tableName, services.GetRequiredService<TokenCredential>(), options);
    }

    private string? ConnectionString => configuration[Connection] is { Length: > 0 } value ? value : null;

    private string ServiceUri(string name) =>
        configuration[$"{Connection}:{name}"] is { Length: > 0 } uri
            ? uri
            : throw new CredentialsMisconfiguredException(
                $"Neither {Connection} nor {Connection}__{name} is set; the send queue's storage account is unknown.", $"{Connection}__{name}");
}
