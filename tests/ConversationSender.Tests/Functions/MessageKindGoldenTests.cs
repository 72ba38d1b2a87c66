using ConversationSender.Storage;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ConversationSender.Functions;
using ConversationSender.Queueing;
using ConversationSender.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace ConversationSender.Tests.Functions;

/// <summary>
/// Every README message example, one per kind and override, through both triggers: Sinch must receive exactly
/// the caller's document plus <c>app_id</c>, unknown fields inside kinds included.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class MessageKindGoldenTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string _queueName = "golden-" + Guid.NewGuid().ToString("N")[..12];
    private SinchSandbox _sinch = null!;
    private SenderHost _host = null!;

    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        for (var i = 0; i < ReadmeExamples.Messages.Count; i++)
        {
            data.Add(ReadmeExamples.Describe(ReadmeExamples.Messages[i]), i);
        }

        return data;
    }

    public async Task InitializeAsync()
    {
        _sinch = await SinchSandbox.StartAsync();
        var settings = SenderHost.SettingsFor(_sinch);
        settings["SendQueueStorage"] = azurite.ConnectionString;
        settings["SendQueue:QueueName"] = _queueName;
        _host = SenderHost.Create(settings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sinch.DisposeAsync();
    }

    [Fact]
    public void The_readme_shows_every_kind_and_override()
    {
        var shown = ReadmeExamples.Messages.SelectMany(m => JsonNode.Parse(m)!["message"]!.AsObject().Select(p => p.Key)).ToHashSet();

        Assert.All(ConversationSender.Validation.MessageKinds.Content.Concat(ConversationSender.Validation.MessageKinds.Overrides), kind => Assert.Contains(kind, shown));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Over_http_sinch_receives_the_example_plus_app_id(string kind, int index)
    {
        var example = ReadmeExamples.Messages[index];
        var context = new DefaultHttpContext { RequestServices = _host.Services };
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(example));
        context.Response.Body = new MemoryStream();

        var result = await _host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None);
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));

        Assert.True(context.Response.StatusCode == 200, $"{kind}: HTTP {context.Response.StatusCode}");
        JsonAssert.Equal(Expected(example), Assert.Single(_sinch.SendRequests).Body);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Over_the_queue_sinch_receives_the_example_plus_app_id(string kind, int index)
    {
        var example = ReadmeExamples.Messages[index];
        var producer = _host.Get<StorageClientFactory>().CreateQueue(_queueName);
        await producer.CreateIfNotExistsAsync();
        await producer.SendMessageAsync(example);
        var raw = new QueueClient(azurite.ConnectionString, _queueName);
        QueueMessage received = (await raw.ReceiveMessageAsync()).Value;
        var decoded = BinaryData.FromBytes(Convert.FromBase64String(received.Body.ToString()));
        var message = QueuesModelFactory.QueueMessage(received.MessageId, received.PopReceipt, decoded, received.DequeueCount, received.NextVisibleOn, received.InsertedOn, received.ExpiresOn);

        await _host.CreateFunction<SendMessageQueueFunction>().RunAsync(message, CancellationToken.None);

        Assert.True(_sinch.SendRequests.Count == 1, $"{kind}: Sinch saw {_sinch.SendRequests.Count} sends");
        JsonAssert.Equal(Expected(example), _sinch.SendRequests[0].Body);
    }

    private static string Expected(string example)
    {
        var expected = JsonNode.Parse(example)!.AsObject();
        expected["app_id"] = SenderHost.AppId;
        return expected.ToJsonString();
    }
}
