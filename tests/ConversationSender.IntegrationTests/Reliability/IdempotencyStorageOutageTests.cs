using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>
/// The idempotency table down: before the send nothing is sent and the caller gets 503; after Sinch accepted, the
/// caller still gets its message id and a retry is not sent again.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class IdempotencyStorageOutageTests(AzuriteFixture azurite) : IdempotencyTest(azurite)
{
    [Fact]
    public async Task An_idempotency_table_outage_sends_nothing_and_answers_503_then_recovers()
    {
        await using var down = await AzuriteProcess.StartAsync();
        var settings = SenderHost.SettingsFor(Sinch);
        settings["SendQueueStorage"] = down.ConnectionString;
        settings["SendQueueName"] = QueueName;
        settings["Sinch:MaxRetries"] = "0";
        await using var host = SenderHost.Create(settings, s => s.AddSingleton<TimeProvider>(Clock));
        var key = Guid.NewGuid().ToString();
        down.Stop();

        var context = HttpInvoker.Request(host, Message, headers: new Dictionary<string, string> { ["Idempotency-Key"] = key });
        var answer = await HttpInvoker.ExecuteAsync(context, await host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));

        // Without the claim there is no proof a retry would not duplicate: nothing goes to Sinch, the caller retries.
        Assert.Equal(503, answer.Status);
        Assert.NotNull(answer.Header("Retry-After"));
        Assert.Contains("idempotency", answer.Json.GetProperty("detail").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Sinch.SendRequests);
    }

    [Fact]
    public async Task Tables_failing_after_sinch_accepted_still_answer_200_with_the_message_id_and_a_retry_does_not_resend()
    {
        await using var storage = await AzuriteProcess.StartAsync(persistent: true);
        var settings = SenderHost.SettingsFor(Sinch);
        settings["SendQueueStorage"] = storage.ConnectionString;
        settings["SendQueueName"] = QueueName;
        await using var host = SenderHost.Create(settings, s => s.AddSingleton<TimeProvider>(Clock));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Sinch.Script(new FakeResponse(200) { HeldUntil = release.Task });
        var key = Guid.NewGuid().ToString();

        // Sinch takes the message; while its answer is on the way, the account that holds the claim and the status goes down.
        var context = HttpInvoker.Request(host, Message, headers: new Dictionary<string, string> { ["Idempotency-Key"] = key });
        var sending = host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None);
        await Eventually.UntilAsync(() => Sinch.SendRequests.Count, n => n == 1, "the send to reach Sinch");
        storage.Stop();
        release.SetResult();
        var answer = await HttpInvoker.ExecuteAsync(context, await sending);

        Assert.Equal(200, answer.Status);
        Assert.Matches("^[0-9A-Z]{26}$", answer.Json.GetProperty("message_id").GetString()!);
        Assert.Contains(host.Logs.Lines, l => l.Contains("Could not record the outcome under the idempotency key", StringComparison.Ordinal));

        // The claim is still "in flight" in the restarted account: a retry of the caller's is held off, not sent again.
        await storage.RestartAsync();
        var retryContext = HttpInvoker.Request(host, Message, headers: new Dictionary<string, string> { ["Idempotency-Key"] = key });
        var retry = await HttpInvoker.ExecuteAsync(retryContext, await host.CreateFunction<SendMessageHttpFunction>().RunAsync(retryContext.Request, CancellationToken.None));
        Assert.Equal(409, retry.Status);
        Assert.Single(Sinch.SendRequests);
    }
}
