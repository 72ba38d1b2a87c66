using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;

namespace ConversationSender.Storage;

/// <summary>
/// Registers the send queue's storage account with <c>AddAzureClients</c>, from the setting the queue trigger reads:
/// a connection string, or the Functions host's identity form (<c>SendQueueStorage__queueServiceUri</c>,
/// <c>__tableServiceUri</c>, <c>__blobServiceUri</c>) with the app's <c>TokenCredential</c>. The Azure client
/// factory reads both forms itself; it only names each service's URI after its constructor parameter, so that one
/// key is given the factory's name here.
/// </summary>
public static class SendQueueStorageConnection
{
    /// <summary>
    /// The app setting holding the storage connection. The queue trigger's attribute names it at compile time, so it is
    /// fixed; point it at any account (a connection string, or <c>SendQueueStorage__queueServiceUri</c> and the other
    /// service URIs with a managed identity).
    /// </summary>
    public const string SettingName = "SendQueueStorage";

    public static readonly Service Queue = new("queueServiceUri", "serviceUri");
    public static readonly Service Table = new("tableServiceUri", "endpoint");
    public static readonly Service Blob = new("blobServiceUri", "serviceUri");

    public static void AddTo(AzureClientFactoryBuilder clients, IConfiguration configuration)
    {
        clients.AddQueueServiceClient(Section(configuration, Queue)).WithName(SettingName)
            .ConfigureOptions(options => options.MessageEncoding = QueueMessageEncoding.Base64);
        clients.AddTableServiceClient(Section(configuration, Table)).WithName(SettingName);
        clients.AddBlobServiceClient(Section(configuration, Blob)).WithName(SettingName);
    }

    public static bool IsConfigured(IConfiguration configuration) =>
        IsConfigured(configuration, Queue) || IsConfigured(configuration, Table);

    public static bool IsConfigured(IConfiguration configuration, Service service) =>
        configuration[SettingName] is { Length: > 0 } || configuration[$"{SettingName}:{service.UriSetting}"] is { Length: > 0 };

    // A connection string is the section's own value, which the factory reads as is. With a service URI, only that URI:
    // the identity is the app's TokenCredential (UseCredential), not one the factory would build from __credential.
    // Without the trailing slash that primaryEndpoints values carry: on a path-style endpoint (Azurite) the Tables client
    // reads it as an empty table name.
    private static IConfiguration Section(IConfiguration configuration, Service service)
    {
        var section = configuration.GetSection(SettingName);
        return section.Value is { Length: > 0 }
            ? section
            : new ConfigurationBuilder().AddInMemoryCollection([new(service.ConstructorParameter, section[service.UriSetting]?.TrimEnd('/'))]).Build();
    }

    /// <param name="UriSetting">The Functions host's name for the service URI.</param>
    /// <param name="ConstructorParameter">The service client constructor's name for it, which the Azure client factory matches.</param>
    public sealed record Service(string UriSetting, string ConstructorParameter);
}
