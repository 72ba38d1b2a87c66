using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.Storage;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>Scheduled sends (<c>send_at</c>) on real Azurite and the sandbox: never before their time, at most seven days ahead.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScheduledSendTests(AzuriteFixture azurite) : SandboxedSenderTest(azurite, "sched-")
{

    [Fact]
    public async Task A_message_scheduled_in_five_seconds_is_invisible_until_then_and_sent_after()
    {
        var sendAt = DateTimeOffset.UtcNow.AddSeconds(5);

        var answer = await QueueAsync(Message(sendAt));

        Assert.Equal(202, answer.Status);
        var queue = new QueueClient(Azurite.ConnectionString, QueueName);
        Assert.Null((await queue.ReceiveMessageAsync()).Value); // nothing to take before send_at
        var raw = await Eventually.UntilResultAsync(async () => (await queue.ReceiveMessageAsync()).Value, m => m is not null, "the scheduled message");
        var takenAt = DateTimeOffset.UtcNow;
        await Host.CreateFunction<SendMessageQueueFunction>().RunAsync(HostQueueMessages.Decode(raw!), CancellationToken.None);

        Assert.True(takenAt >= sendAt.AddMilliseconds(-500), $"taken at {takenAt:O}, scheduled for {sendAt:O}");
        Assert.Single(Sinch.SendRequests);
        Assert.DoesNotContain("send_at", Assert.Single(Sinch.SendRequests).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Beyond_seven_days_is_refused_with_the_limit_and_a_time_in_the_past_is_sent_now()
    {
        var tooFar = await QueueAsync(Message(DateTimeOffset.UtcNow.AddDays(8)));
        var past = await QueueAsync(Message(DateTimeOffset.UtcNow.AddMinutes(-5)));

        Assert.Equal(400, tooFar.Status);
        Assert.Contains("at most 7 days ahead", tooFar.Json.GetProperty("errors").GetProperty("send_at")[0].GetString()!, StringComparison.Ordinal);
        Assert.Equal(202, past.Status);
        Assert.NotNull((await new QueueClient(Azurite.ConnectionString, QueueName).ReceiveMessageAsync()).Value); // visible at once
    }

    [Fact]
    public async Task A_message_visible_before_its_time_is_not_sent_early_but_waits_again()
    {
        // Put on the queue by hand, visible at once, scheduled for an hour from now (or redelivered early after a skew).
        var producer = Host.Get<StorageClientFactory>().CreateQueue(QueueName);
        await producer.CreateIfNotExistsAsync();
        await producer.SendMessageAsync(Message(DateTimeOffset.UtcNow.AddHours(1)));
        var queue = new QueueClient(Azurite.ConnectionString, QueueName);
        var raw = (await queue.ReceiveMessageAsync()).Value;

        await Host.CreateFunction<SendMessageQueueFunction>().RunAsync(HostQueueMessages.Decode(raw), CancellationToken.None);
        await queue.DeleteMessageAsync(raw.MessageId, raw.PopReceipt); // the host deletes it: the function completed

        Assert.Empty(Sinch.SendRequests);
        var waiting = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        Assert.Equal(1, waiting); // a copy, invisible until send_at
        Assert.Null((await queue.ReceiveMessageAsync()).Value);
    }

    [Fact]
    public async Task A_direct_send_refuses_send_at()
    {
        var context = HttpInvoker.Request(Host, Message(DateTimeOffset.UtcNow.AddMinutes(5)));
        var answer = await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));

        Assert.Equal(400, answer.Status);
        Assert.Contains("?mode=queue", answer.Json.GetProperty("errors").GetProperty("send_at")[0].GetString()!, StringComparison.Ordinal);
        Assert.Empty(Sinch.Requests);
    }

    [Fact]
    public async Task A_scheduled_message_cancelled_in_time_is_never_sent_and_cancelling_again_says_so_again()
    {
        // Whole seconds: the status store keeps send_at to the millisecond, and a value rounded up across a second
        // boundary would otherwise compare unequal.
        var now = DateTimeOffset.UtcNow;
        var sendAt = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(3);
        var queued = await QueueAsync(Message(sendAt));
        var trackingId = queued.Json.GetProperty("tracking_id").GetString()!;
        var scheduled = await LookupAsync(trackingId);

        var cancelled = await CancelAsync(trackingId);
        var afterCancel = await LookupAsync(trackingId);
        var again = await CancelAsync(trackingId);
        var raw = await Eventually.UntilResultAsync(async () => (await new QueueClient(Azurite.ConnectionString, QueueName).ReceiveMessageAsync()).Value, m => m is not null, "the scheduled message");
        await Host.CreateFunction<SendMessageQueueFunction>().RunAsync(HostQueueMessages.Decode(raw!), CancellationToken.None);

        Assert.Equal("SCHEDULED", scheduled.Json.GetProperty("status").GetString());
        Assert.Equal(sendAt.ToUnixTimeSeconds(), scheduled.Json.GetProperty("send_at").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.False(scheduled.Json.TryGetProperty("message_id", out _));
        Assert.Equal("CANCELLED", afterCancel.Json.GetProperty("status").GetString());
        Assert.Equal(200, cancelled.Status);
        Assert.Equal("cancelled", cancelled.Json.GetProperty("status").GetString());
        Assert.Equal(200, again.Status);
        Assert.Equal(cancelled.Json.GetProperty("cancelled_at").GetString(), again.Json.GetProperty("cancelled_at").GetString());
        Assert.Empty(Sinch.SendRequests);
    }

    [Fact]
    public async Task Cancelling_after_the_send_says_it_was_already_sent_with_the_message_id_and_an_unknown_id_is_404()
    {
        var queued = await QueueAsync(Message(DateTimeOffset.UtcNow.AddMinutes(-1)));
        var trackingId = queued.Json.GetProperty("tracking_id").GetString()!;
        var raw = (await new QueueClient(Azurite.ConnectionString, QueueName).ReceiveMessageAsync()).Value;
        await Host.CreateFunction<SendMessageQueueFunction>().RunAsync(HostQueueMessages.Decode(raw), CancellationToken.None);

        var late = await CancelAsync(trackingId);
        var unknown = await CancelAsync("trk_never-queued");

        Assert.Equal(409, late.Status);
        Assert.Equal("already_sent", late.Json.GetProperty("status").GetString());
        Assert.Equal(Sinch.Captured.Single().MessageId, late.Json.GetProperty("message_id").GetString());
        Assert.Equal(404, unknown.Status);
    }

    private async Task<HttpAnswer> LookupAsync(string id)
    {
        var context = HttpInvoker.Request(Host, "");
        context.Request.Method = "GET";
        return await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<GetMessageStatusFunction>().RunAsync(context.Request, id, CancellationToken.None));
    }

    private async Task<HttpAnswer> CancelAsync(string trackingId)
    {
        var context = HttpInvoker.Request(Host, "");
        context.Request.Method = "DELETE";
        return await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<CancelMessageFunction>().RunAsync(context.Request, trackingId, CancellationToken.None));
    }

    private static string Message(DateTimeOffset sendAt) =>
        $$"""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your table is ready", "send_at": "{{sendAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture)}}" }""";

    private async Task<HttpAnswer> QueueAsync(string json)
    {
        var context = HttpInvoker.Request(Host, json, query: "?mode=queue");
        return await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));
    }
}
