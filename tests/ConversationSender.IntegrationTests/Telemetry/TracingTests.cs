using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.Telemetry;

namespace ConversationSender.IntegrationTests.Telemetry;

/// <summary>
/// One trace from the request that queues a message, through the queue (the message carries its W3C traceparent), to
/// the send and the HTTP call to Sinch (which receives the same trace id in its traceparent header).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TracingTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly ActivitySource Caller = new("test-caller");
    private readonly string _queueName = "trace-" + Guid.NewGuid().ToString("N")[..12];
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private ActivityListener _listener = null!;
    private SinchSandbox _sinch = null!;
    private SenderHost _host = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is SenderTracing.SourceName or "test-caller",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _sinch = await SinchSandbox.StartAsync();
        var settings = SenderHost.SettingsFor(_sinch, azurite.ConnectionString, _queueName);
        _host = SenderHost.Create(settings);
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _host.DisposeAsync();
        await _sinch.DisposeAsync();
    }

    [Fact]
    public async Task A_queued_message_is_sent_in_the_trace_of_the_request_that_queued_it()
    {
        ActivityTraceId traceId;
        using (var request = Caller.StartActivity("POST /api/messages?mode=queue"))
        {
            traceId = request!.TraceId;
            var context = HttpInvoker.Request(_host, """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "traced" }""", query: "?mode=queue");
            var answer = await HttpInvoker.ExecuteAsync(context, await _host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));
            Assert.Equal(202, answer.Status);
        }

        Assert.Null(Activity.Current); // the trigger runs later, in no trace of its own here
        var raw = (await new QueueClient(azurite.ConnectionString, _queueName).ReceiveMessageAsync()).Value;
        var queued = HostQueueMessages.Decode(raw);
        Assert.Contains(traceId.ToHexString(), JsonNode.Parse(queued.Body)!["traceparent"]!.GetValue<string>(), StringComparison.Ordinal);

        await _host.CreateFunction<SendMessageQueueFunction>().RunAsync(queued, CancellationToken.None);

        var sent = Assert.Single(_sinch.Captured);
        Assert.Contains(traceId.ToHexString(), sent.RequestHeaders.GetValueOrDefault("traceparent") ?? "(no traceparent)", StringComparison.Ordinal);
        Assert.Contains(_stopped, a => a.Source.Name == SenderTracing.SourceName && a.TraceId == traceId);
    }
}
