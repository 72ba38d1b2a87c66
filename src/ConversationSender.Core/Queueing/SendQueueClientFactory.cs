using Azure.Core;
using Azure.Storage.Queues;
using ConversationSender.Credentials;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.Queueing;

/// <summary>
/// Queue clients for the account the trigger listens on, read from the same connection setting,
/// and always with base64 encoding: the trigger's default, which a plain Azure SDK client does not use.
/// </summary>
public sealed class SendQueueClientFactory(IConfiguration configuration, IServiceProvider services)
{
    public static QueueClientOptions ClientOptions() => new() { MessageEncoding = QueueMessageEncoding.Base64 };

    public QueueClient Create(string queueName)
    {
        var connection = SendQueueOptions.ConnectionSettingName;
        if (configuration[connection] is { Length: > 0 } connectionString)
        {
            return new QueueClient(connectionString, queueName, ClientOptions());
        }

        if (configuration[$"{connection}:queueServiceUri"] is { Length: > 0 } serviceUri)
        {
            var queueUri = new Uri($"{serviceUri.TrimEnd('/')}/{queueName}");
            return new QueueClient(queueUri, services.GetRequiredService<TokenCredential>(), ClientOptions());
        }

        throw new CredentialsMisconfiguredException(
            $"Neither {connection} nor {connection}__queueServiceUri is set; the send queue's storage account is unknown.", connection);
    }
}
