using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ConversationSender.Functions;
using ConversationSender.Queueing;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary><c>?mode=queue</c>, the batch route and dead-letter replay, on real Azurite queues.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AsyncAcceptTests(AzuriteFixture azurite) : SandboxedSenderTest(azurite, "async-")
{
    private const string Message = """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""";
    private const string Invalid = """{ "to": { "channel": "SMSS", "identity": "+46701234567" }, "text": "x" }""";

    [Fact]
    public async Task Queue_mode_validates_queues_and_answers_202_with_a_tracking_id()
    {
        var answer = await PostAsync(Message, "?mode=queue");

        Assert.Equal(202, answer.Status);
        var trackingId = answer.Json.GetProperty("tracking_id").GetString()!;
        Assert.StartsWith("trk_", trackingId);
        Assert.Empty(Sinch.Requests);

        var queued = Assert.Single(await DrainAsync(QueueName));
        Assert.Equal(trackingId, JsonNode.Parse(queued.Body.ToString())!["idempotency_key"]!.GetValue<string>());
        await RunQueueFunctionAsync(queued);
        Assert.Single(Sinch.SendRequests);
    }

    [Fact]
    public async Task Queue_mode_uses_the_callers_idempotency_key_as_tracking_id_and_never_sends_twice()
    {
        var first = await PostAsync(Message, "?mode=queue", "order-1234");
        var second = await PostAsync(Message, "?mode=queue", "order-1234");

        Assert.Equal("order-1234", first.Json.GetProperty("tracking_id").GetString());
        Assert.Equal("order-1234", second.Json.GetProperty("tracking_id").GetString());
        foreach (var queued in await DrainAsync(QueueName))
        {
            await RunQueueFunctionAsync(queued);
        }

        Assert.Single(Sinch.SendRequests);
    }

    [Fact]
    public async Task Queue_mode_refuses_an_invalid_message_and_queues_nothing()
    {
        var answer = await PostAsync(Invalid, "?mode=queue");

        Assert.Equal(400, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty("to.channel", out _));
        Assert.Empty(await DrainAsync(QueueName));
    }

    [Fact]
    public async Task An_unknown_mode_is_refused()
    {
        Assert.Equal(400, (await PostAsync(Message, "?mode=later")).Status);
        Assert.Empty(Sinch.Requests);
    }

    [Fact]
    public async Task A_batch_queues_the_valid_items_and_reports_the_invalid_by_index()
    {
        var batch = $$"""{ "messages": [ {{Message}}, {{Invalid}}, {{Message}}, "not a message" ] }""";

        var answer = await PostBatchAsync(batch);

        Assert.Equal(202, answer.Status);
        Assert.Equal(2, answer.Json.GetProperty("queued").GetInt32());
        Assert.Equal(2, answer.Json.GetProperty("invalid").GetInt32());
        var results = answer.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["queued", "invalid", "queued", "invalid"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal([0, 1, 2, 3], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.True(results[1].GetProperty("errors").TryGetProperty("to.channel", out _));
        Assert.Equal(2, (await DrainAsync(QueueName)).Count);
    }

    [Fact]
    public async Task A_retried_batch_with_an_idempotency_key_queues_each_item_once()
    {
        var batch = $$"""{ "messages": [ {{Message}}, {{Invalid}}, {{Message.Replace("123456", "654321", StringComparison.Ordinal)}} ] }""";

        var first = await PostBatchAsync(batch, "batch-77");
        var retried = await PostBatchAsync(batch, "batch-77");

        Assert.Equal(202, first.Status);
        Assert.Equal(202, retried.Status);
        string[] TrackingIds(HttpAnswer answer) => [.. answer.Json.GetProperty("results").EnumerateArray().Select(r => r.TryGetProperty("tracking_id", out var t) ? t.GetString()! : "-")];
        Assert.Equal(["batch-77:0", "-", "batch-77:2"], TrackingIds(first));
        Assert.Equal(TrackingIds(first), TrackingIds(retried));
        Assert.Equal(2, (await DrainAsync(QueueName)).Count);
    }

    [Fact]
    public async Task A_batch_that_storage_could_not_take_answers_503_per_item_and_its_retry_queues_each_once()
    {
        await using var storage = await AzuriteProcess.StartAsync(persistent: true);
        var settings = SenderHost.SettingsFor(Sinch);
        settings["SendQueueStorage"] = storage.ConnectionString;
        settings["SendQueueName"] = QueueName;
        await using var host = SenderHost.Create(settings);
        var batch = $$"""{ "messages": [ {{Message}}, {{Invalid}} ] }""";

        storage.Stop();
        var down = await PostBatchAsync(host, batch, "batch-88");
        await storage.RestartAsync();
        var retried = await PostBatchAsync(host, batch, "batch-88");
        var again = await PostBatchAsync(host, batch, "batch-88");

        Assert.Equal(503, down.Status);
        Assert.NotNull(down.Header("Retry-After"));
        Assert.Equal(["not_queued", "invalid"], down.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(202, retried.Status);
        Assert.Equal(202, again.Status);
        var queue = new QueueClient(storage.ConnectionString, QueueName);
        Assert.Single((await queue.ReceiveMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task A_batch_of_only_invalid_items_answers_400()
    {
        var answer = await PostBatchAsync($$"""{ "messages": [ {{Invalid}} ] }""");

        Assert.Equal(400, answer.Status);
        Assert.Equal(1, answer.Json.GetProperty("invalid").GetInt32());
    }

    [Theory]
    [InlineData("""{ "messages": [] }""", "messages")]
    [InlineData("""{ "items": [] }""", "messages")]
    [InlineData("""[ 1 ]""", "messages")]
    [InlineData("""{ "messages": [ """, "$")]
    public async Task A_malformed_batch_answers_400(string body, string field)
    {
        var answer = await PostBatchAsync(body);

        Assert.Equal(400, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_batch_over_the_limit_is_refused_whole()
    {
        var batch = $$"""{ "messages": [ {{string.Join(",", Enumerable.Repeat(Message, SendQueueIntake.MaxBatchSize + 1))}} ] }""";

        var answer = await PostBatchAsync(batch);

        Assert.Equal(400, answer.Status);
        Assert.Empty(await DrainAsync(QueueName));
    }

    [Fact]
    public async Task Dead_letters_are_replayed_to_the_send_queue_and_then_sent()
    {
        var producer = Host.Get<ConversationSender.Storage.StorageClientFactory>().CreateQueue(QueueName);
        await producer.CreateIfNotExistsAsync();
        Sinch.Script(FakeResponse.SinchError(403, "PERMISSION_DENIED", "billing"), FakeResponse.SinchError(403, "PERMISSION_DENIED", "billing"));
        await producer.SendMessageAsync(Message);
        await producer.SendMessageAsync(Message.Replace("123456", "654321", StringComparison.Ordinal));
        var originalIds = new List<string>();
        foreach (var queued in await DrainAsync(QueueName))
        {
            originalIds.Add(queued.MessageId);
            await RunQueueFunctionAsync(queued);
        }

        var answer = await PostReplayAsync($$"""{ "message_ids": ["{{originalIds[0]}}"] }""");

        Assert.Equal(200, answer.Status);
        Assert.Equal(1, answer.Json.GetProperty("replayed").GetInt32());
        Assert.Equal(originalIds[0], answer.Json.GetProperty("message_ids")[0].GetString());
        var replayed = Assert.Single(await DrainAsync(QueueName));
        await RunQueueFunctionAsync(replayed);
        Assert.Equal(3, Sinch.SendRequests.Count);
        Assert.Equal(1, (await PostReplayAsync("{}")).Json.GetProperty("replayed").GetInt32());
    }

    [Fact]
    public async Task Poison_messages_can_be_replayed_too()
    {
        var poison = Host.Get<ConversationSender.Storage.StorageClientFactory>().CreateQueue(QueueName + "-poison");
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync(Message);

        var answer = await PostReplayAsync("""{ "source": "poison" }""");

        Assert.Equal(1, answer.Json.GetProperty("replayed").GetInt32());
        Assert.Equal(Message, Assert.Single(await DrainAsync(QueueName)).Body.ToString());
    }

    [Fact]
    public async Task The_replay_route_needs_the_admin_key_and_a_known_source()
    {
        var method = typeof(ReplayDeadLettersFunction).GetMethod(nameof(ReplayDeadLettersFunction.RunAsync))!;
        var trigger = (Microsoft.Azure.Functions.Worker.HttpTriggerAttribute)method.GetParameters()[0].GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.HttpTriggerAttribute), false).Single();

        Assert.Equal(Microsoft.Azure.Functions.Worker.AuthorizationLevel.Admin, trigger.AuthLevel);
        Assert.Equal(400, (await PostReplayAsync("""{ "source": "elsewhere" }""")).Status);
        Assert.Equal(400, (await PostReplayAsync("""{ "sauce": "failed" }""")).Status);
    }

    private async Task<HttpAnswer> PostAsync(string body, string query, string? key = null)
    {
        var context = HttpInvoker.Request(Host, body, query, key is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = key });
        return await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));
    }

    private Task<HttpAnswer> PostBatchAsync(string body, string? key = null) => PostBatchAsync(Host, body, key);

    private static async Task<HttpAnswer> PostBatchAsync(SenderHost host, string body, string? key = null)
    {
        var context = HttpInvoker.Request(host, body, headers: key is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = key });
        return await HttpInvoker.ExecuteAsync(context, await host.CreateFunction<SendMessageBatchFunction>().RunAsync(context.Request, CancellationToken.None));
    }

    private async Task<HttpAnswer> PostReplayAsync(string body)
    {
        var context = HttpInvoker.Request(Host, body);
        return await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<ReplayDeadLettersFunction>().RunAsync(context.Request, CancellationToken.None));
    }

    /// <summary>Receives everything on a queue, decoded as the trigger would hand it over, and deletes it.</summary>
    private async Task<List<QueueMessage>> DrainAsync(string queueName)
    {
        var client = new QueueClient(Azurite.ConnectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var all = new List<QueueMessage>();
        if (!await client.ExistsAsync())
        {
            return all;
        }

        while ((await client.ReceiveMessagesAsync(32)).Value is { Length: > 0 } batch)
        {
            foreach (var message in batch)
            {
                await client.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                all.Add(message);
            }
        }

        return all;
    }

    private Task RunQueueFunctionAsync(QueueMessage message) =>
        Host.CreateFunction<SendMessageQueueFunction>().RunAsync(message, CancellationToken.None);
}
