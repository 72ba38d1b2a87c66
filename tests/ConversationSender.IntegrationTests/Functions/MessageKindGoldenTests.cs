using ConversationSender.Storage;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using ConversationSender.Functions;
using ConversationSender.Queueing;
using ConversationSender.Sending;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Functions;

/// <summary>
/// Every documented message example (docs/message-kinds.md), one per kind and override, through both triggers: Sinch must receive exactly
/// the caller's document plus <c>app_id</c>, unknown fields inside kinds included.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class MessageKindGoldenTests(AzuriteFixture azurite) : SandboxedSenderTest(azurite, "golden-")
{

    /// <summary>Named by kind, keyed by index (and so by document and line): two alike examples are two rows.</summary>
    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        for (var i = 0; i < ReadmeExamples.MessageExamples.Count; i++)
        {
            data.Add($"{ReadmeExamples.Describe(ReadmeExamples.Messages[i])} ({ReadmeExamples.MessageExamples[i]})", i);
        }

        return data;
    }

    [Fact]
    public void The_readme_shows_every_kind_and_override()
    {
        var shown = ReadmeExamples.Messages.SelectMany(m => JsonNode.Parse(m)!["message"]!.AsObject().Select(p => p.Key)).ToHashSet();

        Expect.All(ConversationSender.Contract.MessageContract.ContentKinds.Concat(ConversationSender.Contract.MessageContract.OverrideKinds), kind => Assert.Contains(kind, shown));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Over_http_sinch_receives_the_example_plus_app_id(string kind, int index)
    {
        var example = ReadmeExamples.Messages[index];
        var context = HttpInvoker.Request(Host, example);
        var answer = await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));

        Assert.True(answer.Status == 200, $"{kind}: HTTP {answer.Status}");
        JsonAssert.Equal(Expected(example), Assert.Single(Sinch.SendRequests).Body);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Over_the_queue_sinch_receives_the_example_plus_app_id(string kind, int index)
    {
        var example = ReadmeExamples.Messages[index];
        var producer = Host.Get<StorageClientFactory>().CreateQueue(QueueName);
        await producer.CreateIfNotExistsAsync();
        await producer.SendMessageAsync(example);
        var received = (await new QueueClient(Azurite.ConnectionString, QueueName).ReceiveMessageAsync()).Value;
        var message = HostQueueMessages.Decode(received);

        await Host.CreateFunction<SendMessageQueueFunction>().RunAsync(message, CancellationToken.None);

        Assert.True(Sinch.SendRequests.Count == 1, $"{kind}: Sinch saw {Sinch.SendRequests.Count} sends");
        var key = JsonNode.Parse(example)!["idempotency_key"]?.GetValue<string>() ?? $"queue:{QueueName}:{message.MessageId}";
        JsonAssert.Equal(Expected(example, key), Sinch.SendRequests[0].Body);
    }

    // A queued message is always keyed: without metadata of its own it carries the sender's marker (to be found again).
    private static string Expected(string example, string? key = null)
    {
        var expected = JsonNode.Parse(example)!.AsObject();
        expected["app_id"] = SenderHost.AppId;
        if (key is not null && expected["message_metadata"] is null)
        {
            expected["message_metadata"] = KeyedSend.Marker(key);
        }

        expected.Remove("idempotency_key");
        return expected.ToJsonString();
    }
}
