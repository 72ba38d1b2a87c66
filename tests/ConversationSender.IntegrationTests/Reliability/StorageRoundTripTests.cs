using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.Sending;
using ConversationSender.Storage;
using Microsoft.Extensions.Azure;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>
/// What the product's own bookkeeping costs in storage requests, counted on the wire of its Azure clients: a queued
/// message that is sent costs two table writes (the claim and its completion, which the status lookup reads) and one
/// read (the opt-out check's point read of the suppression list); a send over HTTP without a key costs one write (its
/// status row) and that read.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageRoundTripTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string _queueName = "trips-" + Guid.NewGuid().ToString("N")[..12];
    private readonly RequestCounter _requests = new();
    private SinchSandbox _sinch = null!;
    private SenderHost _host = null!;

    public async Task InitializeAsync()
    {
        _sinch = await SinchSandbox.StartAsync();
        var settings = SenderHost.SettingsFor(_sinch, azurite.ConnectionString, _queueName);
        settings["Idempotency:TableName"] = "idem" + Guid.NewGuid().ToString("N")[..12];
        settings["Webhooks:StatusTableName"] = "status" + Guid.NewGuid().ToString("N")[..12];
        _host = SenderHost.Create(settings, s => s.AddAzureClients(c => c.ConfigureDefaults(o => o.AddPolicy(_requests, HttpPipelinePosition.PerCall))));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sinch.DisposeAsync();
    }

    [Fact]
    public async Task A_queued_message_costs_two_table_writes_and_the_opt_out_read()
    {
        var producer = new QueueClient(azurite.ConnectionString, _queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await producer.CreateIfNotExistsAsync();
        var function = _host.CreateFunction<SendMessageQueueFunction>();
        await RunOneAsync(producer, function, "warm-up"); // creates the tables once
        _requests.Clear();

        await RunOneAsync(producer, function, "measured");

        Assert.Equal(2, _sinch.SendRequests.Count);
        Assert.Equal(2, _requests.Count(r => r.Table && r.Write));
        Assert.Equal(1, _requests.Count(r => r.Table && !r.Write)); // the suppression list, one subject
        Assert.Equal(0, _requests.Count(r => !r.Table)); // nothing on the queue: the host deletes the message
    }

    [Fact]
    public async Task A_send_over_http_without_a_key_costs_one_table_write_and_the_opt_out_read()
    {
        var service = _host.Get<SendService>();
        const string message = """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hi" }""";
        await service.SendAsync(BinaryData.FromString(message), CancellationToken.None); // creates the status table once
        _requests.Clear();

        Assert.IsType<SendOutcome.Accepted>(await service.SendAsync(BinaryData.FromString(message), CancellationToken.None));

        Assert.Equal(1, _requests.Count(r => r.Table && r.Write));
        Assert.Equal(1, _requests.Count(r => r.Table && !r.Write));
        Assert.Equal(2, _requests.Total);
    }

    private async Task RunOneAsync(QueueClient producer, SendMessageQueueFunction function, string text)
    {
        await producer.SendMessageAsync($$"""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "{{text}}" }""");
        var raw = (await new QueueClient(azurite.ConnectionString, _queueName).ReceiveMessageAsync()).Value;
        await function.RunAsync(HostQueueMessages.Decode(raw), CancellationToken.None);
    }

    private sealed class RequestCounter : HttpPipelinePolicy
    {
        private readonly ConcurrentQueue<(bool Table, bool Write)> _seen = new();

        public int Count(Func<(bool Table, bool Write), bool> which) => _seen.Count(which);

        public int Total => _seen.Count;

        public void Clear() => _seen.Clear();

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Record(message);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Record(message);
            return ProcessNextAsync(message, pipeline);
        }

        // Azurite serves each service on its own port, and its paths start with the account name either way: a table
        // request is told by the Tables client's DataServiceVersion header.
        private void Record(HttpMessage message) =>
            _seen.Enqueue((message.Request.Headers.Contains("DataServiceVersion"), message.Request.Method != RequestMethod.Get && message.Request.Method != RequestMethod.Head));
    }
}
