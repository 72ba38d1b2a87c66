using Azure.Storage.Queues;
using ConversationSender.Functions;
using ConversationSender.Sending;
using ConversationSender.Storage;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>
/// What the idempotency tests share: a sender on Azurite with its own idempotency table and a fake clock, and ways to
/// post to the HTTP function and to produce and receive on the send queue.
/// </summary>
public abstract class IdempotencyTest(AzuriteFixture azurite) : SandboxedSenderTest(azurite, "idem-")
{
    protected const string Message = """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""";

    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override SenderHost CreateHost() => CreateHost(overrides: null);

    protected SenderHost CreateHost(Dictionary<string, string?>? overrides)
    {
        var settings = SenderHost.SettingsFor(Sinch, Azurite.ConnectionString, QueueName);
        settings["Idempotency:TableName"] = "idem" + Guid.NewGuid().ToString("N")[..12];
        settings["Idempotency:InFlightTimeout"] = "00:01:01"; // just above the longest send (2 × Sinch:TotalTimeout)
        settings["Sinch:ReconcileSettleTime"] = "00:00:00";
        foreach (var (name, value) in overrides ?? [])
        {
            settings[name] = value;
        }

        return SenderHost.Create(settings, s => s.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Puts <see cref="Message"/> on the send queue with the product's client and receives it as the host would.</summary>
    protected async Task<(Azure.Storage.Queues.Models.QueueMessage Raw, Azure.Storage.Queues.Models.QueueMessage Decoded)> ProduceAndReceiveAsync()
    {
        var producer = Host.Get<StorageClientFactory>().CreateQueue(QueueName);
        await producer.CreateIfNotExistsAsync();
        await producer.SendMessageAsync(Message);
        var raw = (await new QueueClient(Azurite.ConnectionString, QueueName).ReceiveMessageAsync()).Value;
        return (raw, HostQueueMessages.Decode(raw));
    }

    /// <summary>The fingerprint the send service binds a key to, for a claim a test makes as another attempt of the same request.</summary>
    protected static string FingerprintOf(string body) =>
        KeyedSend.Fingerprint(ConversationSender.Validation.OutboundMessageValidator.Validate(BinaryData.FromString(body), out _).Request!);

    private protected async Task<HttpAnswer> PostAsync(string body, string? key = null)
    {
        var context = HttpInvoker.Request(Host, body, headers: key is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = key });
        var result = await Host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None);
        return await HttpInvoker.ExecuteAsync(context, result);
    }

    /// <summary>Polls the send queue until a message is visible, failing with what it saw after a generous deadline.</summary>
    protected async Task<Azure.Storage.Queues.Models.QueueMessage> ReceiveWhenVisibleAsync()
    {
        var queue = new QueueClient(Azurite.ConnectionString, QueueName);
        var raw = await Eventually.UntilResultAsync(async () => (await queue.ReceiveMessageAsync()).Value, m => m is not null, $"a message to become visible on {QueueName}");
        return HostQueueMessages.Decode(raw!);
    }
}
