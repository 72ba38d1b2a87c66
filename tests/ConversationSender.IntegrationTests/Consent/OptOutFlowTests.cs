using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ConversationSender.Callbacks;
using ConversationSender.Consent;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;
using ConversationSender.Queueing;

namespace ConversationSender.IntegrationTests.Consent;

/// <summary>
/// STOP and START end to end: signed callbacks into the receiver, the suppression list on Azurite, sends through the
/// app's own send service and queue processor to the sandbox, and the operator API.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OptOutFlowTests(AzuriteFixture azurite) : SandboxedSenderTest(azurite, "optout")
{
    private const string Secret = "whsec-optout-tests";
    private const string Number = "+15550001111";
    private string _inboundQueue = "";

    protected override SenderHost CreateHost()
    {
        _inboundQueue = "inbound" + Guid.NewGuid().ToString("N")[..12];
        var settings = SenderHost.SettingsFor(Sinch, Azurite.ConnectionString, QueueName);
        settings["Webhooks:Secret"] = Secret;
        settings["Webhooks:InboundQueueName"] = _inboundQueue;
        settings["Webhooks:StatusTableName"] = "status" + Guid.NewGuid().ToString("N")[..12];
        settings["Consent:TableName"] = "consent" + Guid.NewGuid().ToString("N")[..12];
        settings["Idempotency:TableName"] = "idem" + Guid.NewGuid().ToString("N")[..12];
        return SenderHost.Create(settings);
    }

    [Fact]
    public async Task Stop_while_200_messages_are_queued_stops_every_send_after_it_is_answered_confirms_once_and_start_resumes()
    {
        var processor = Host.Get<QueuedMessageProcessor>();
        var confirmation = new ConsentOptions().Reply("en", KeywordAction.OptOut)!;
        var answered = 0;
        int sentAfterAnswer = 0, onTheWire = 0, sentBefore = 0;
        var dispositions = new ConcurrentBag<string>();

        async Task WorkAsync(int worker)
        {
            for (var i = worker; i < 200; i += 4)
            {
                var startedAfterAnswer = Volatile.Read(ref answered) == 1;
                var message = QueuesModelFactory.QueueMessage($"m{i}", "pop", BinaryData.FromString(Body($"fault-{i}")), 1, insertedOn: DateTimeOffset.UtcNow);
                var disposition = await processor.ProcessAsync(message, CancellationToken.None);
                var what = ((QueueDisposition.Completed)disposition).What;
                dispositions.Add(what);
                if (what != "sent")
                {
                    continue;
                }

                if (startedAfterAnswer)
                {
                    Interlocked.Increment(ref sentAfterAnswer);
                }
                else if (Volatile.Read(ref answered) == 1)
                {
                    Interlocked.Increment(ref onTheWire); // began before the STOP was answered, finished after
                }
                else
                {
                    Interlocked.Increment(ref sentBefore);
                }
            }
        }

        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() => WorkAsync(w))).ToArray();
        await Eventually.UntilAsync(() => Sinch.SendRequests.Count, count => count >= 40, "40 of the queued messages to be sent");
        var stop = await PostCallbackAsync(Inbound("in-stop-1", "Stop."));
        Volatile.Write(ref answered, 1);
        await Task.WhenAll(workers);

        Assert.Equal(200, stop.Status);
        Assert.Equal(0, sentAfterAnswer);
        Assert.Equal(200, dispositions.Count);
        Assert.All(dispositions, d => Assert.Contains(d, new[] { "sent", "suppressed" }));
        Assert.Contains("suppressed", dispositions);
        Assert.Equal(1, Sinch.SendRequests.Count(r => r.Body.Contains(confirmation, StringComparison.Ordinal)));

        // Sinch delivers the same callback again (another nonce, as from another attempt): nothing changes, no second reply.
        Assert.Equal(200, (await PostCallbackAsync(Inbound("in-stop-1", "Stop."))).Status);
        Assert.Equal(1, Sinch.SendRequests.Count(r => r.Body.Contains(confirmation, StringComparison.Ordinal)));

        // The last one's status says it was refused, not failed.
        var status = await LookupStatusAsync("fault-199");
        Assert.Equal("SUPPRESSED", status.Json.GetProperty("status").GetString());

        // START: sending resumes, and it is confirmed once too.
        Assert.Equal(200, (await PostCallbackAsync(Inbound("in-start-1", "start"))).Status);
        var resumed = await processor.ProcessAsync(QueuesModelFactory.QueueMessage("m-after", "pop", BinaryData.FromString(Body("after-start")), 1), CancellationToken.None);
        Assert.Equal("sent", ((QueueDisposition.Completed)resumed).What);
        Assert.Equal(1, Sinch.SendRequests.Count(r => r.Body.Contains(new ConsentOptions().Reply("en", KeywordAction.OptIn)!, StringComparison.Ordinal)));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"opt-out fault run: sent before STOP {sentBefore}, on the wire when answered {onTheWire}, sent after answered {sentAfterAnswer}, suppressed {dispositions.Count(d => d == "suppressed")}"));
    }

    [Fact]
    public async Task A_keyword_is_forwarded_flagged_and_help_changes_nothing()
    {
        await PostCallbackAsync(Inbound("in-help", "help"));
        await PostCallbackAsync(Inbound("in-stop-mkt", "STOP MARKETING"));
        await PostCallbackAsync(Inbound("in-hello", "STOP this bill"));

        var forwarded = await ReadInboundAsync(3);
        Assert.Equal("""{"keyword":"help","category":"all","result":"help","reply":"sent"}""", forwarded[0].GetProperty("consent").GetRawText());
        Assert.Equal("""{"keyword":"opt_out","category":"marketing","result":"opted_out","reply":"sent"}""", forwarded[1].GetProperty("consent").GetRawText());
        Assert.False(forwarded[2].TryGetProperty("consent", out _));

        // A marketing opt-out stops marketing only.
        Assert.Equal(422, (await SendNowAsync(Body("mkt", "CONTENT_MARKETING"))).Status);
        Assert.Equal(200, (await SendNowAsync(Body("note", "CONTENT_NOTIFICATION"))).Status);
    }

    [Fact]
    public async Task Sinch_opt_out_notifications_count_only_when_succeeded_and_once_per_request_id()
    {
        Assert.Equal(200, (await PostCallbackAsync(SinchOptOut("req-1", "OPT_OUT_FAILED"))).Status);
        Assert.Equal(200, (await SendNowAsync(Body("before"))).Status);

        Assert.Equal(200, (await PostCallbackAsync(SinchOptOut("req-2", "OPT_OUT_SUCCEEDED"))).Status);
        Assert.Equal(200, (await PostCallbackAsync(SinchOptOut("req-2", "OPT_OUT_SUCCEEDED"))).Status);

        var refused = await SendNowAsync(Body("after"));
        Assert.Equal(422, refused.Status);
        Assert.Equal("urn:conversation-sender:problem:recipient-opted-out", refused.Json.GetProperty("type").GetString());
        Assert.Contains("source: sinch_event", refused.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("5550001111", refused.Body, StringComparison.Ordinal);
        var lookup = await OperatorAsync("lookup", $$"""{"channel":"SMS","identity":"{{Number}}"}""");
        Assert.Equal(1, lookup.Json.GetProperty("history").GetArrayLength()); // the redelivery added nothing
    }

    [Fact]
    public async Task The_operator_adds_looks_up_removes_with_a_reason_and_imports()
    {
        Assert.Equal("opted_out", (await OperatorAsync("", $$"""{"channel":"RCS","identity":"{{Number}}","reason":"asked by phone"}""")).Json.GetProperty("result").GetString());
        Assert.Equal(422, (await SendNowAsync(Body("sms-after-rcs-opt-out"))).Status); // SMS and RCS share the number

        var noReason = await OperatorAsync("remove", $$"""{"channel":"SMS","identity":"{{Number}}"}""");
        Assert.Equal(400, noReason.Status);
        Assert.True(noReason.Json.GetProperty("errors").TryGetProperty("reason", out _));

        Assert.Equal("opted_in", (await OperatorAsync("remove", $$"""{"channel":"SMS","identity":"{{Number}}","reason":"consent given in writing"}""")).Json.GetProperty("result").GetString());
        Assert.Equal(200, (await SendNowAsync(Body("after-removal"))).Status);
        var history = (await OperatorAsync("lookup", $$"""{"channel":"SMS","identity":"{{Number}}"}""")).Json.GetProperty("history");
        Assert.Equal(["asked by phone", "consent given in writing"], history.EnumerateArray().Select(h => h.GetProperty("reason").GetString()));

        var bad = await OperatorAsync("import", """{"entries":[{"channel":"SMS","identity":"+15550002222"},{"channel":"SMSS","identity":"+15550003333"}]}""");
        Assert.Equal(400, bad.Status);
        Assert.True(bad.Json.GetProperty("errors").TryGetProperty("entries[1].channel", out _));
        Assert.Equal(404, (await OperatorAsync("lookup", """{"channel":"SMS","identity":"+15550002222"}""")).Status); // nothing imported

        var imported = await OperatorAsync("import", """{"reason":"old provider's list","entries":[{"channel":"SMS","identity":"+15550002222"},{"channel":"WHATSAPP","identity":"+15550003333","category":"marketing"}]}""");
        Assert.Equal((2, 0), (imported.Json.GetProperty("added").GetInt32(), imported.Json.GetProperty("already_opted_out").GetInt32()));
    }

    [Fact]
    public async Task A_multi_channel_send_drops_only_the_opted_out_identities_and_their_place_in_the_priority_order()
    {
        const string Other = "+15550004444";
        Assert.Equal("opted_out", (await OperatorAsync("", $$"""{"channel":"SMS","identity":"{{Number}}","reason":"asked by phone"}""")).Json.GetProperty("result").GetString());
        Assert.Equal("opted_out", (await OperatorAsync("", $$"""{"channel":"VIBER","identity":"{{Other}}","category":"marketing","reason":"asked by phone"}""")).Json.GetProperty("result").GetString());

        var sent = await SendNowAsync($$$"""
            {"recipient":{"identified_by":{"channel_identities":[{"channel":"SMS","identity":"{{{Number}}}"},{"channel":"WHATSAPP","identity":"{{{Number}}}"},{"channel":"RCS","identity":"{{{Number}}}"},{"channel":"VIBER","identity":"{{{Other}}}"}]}},
             "message":{"text_message":{"text":"Spring sale"}},"channel_priority_order":["RCS","SMS","VIBER","WHATSAPP"],"message_content_type":"CONTENT_MARKETING"}
            """);

        Assert.Equal(200, sent.Status);
        var forwarded = JsonDocument.Parse(Assert.Single(Sinch.SendRequests).Body).RootElement;
        var identities = forwarded.GetProperty("recipient").GetProperty("identified_by").GetProperty("channel_identities").EnumerateArray();
        Assert.Equal(["WHATSAPP"], identities.Select(i => i.GetProperty("channel").GetString()));
        Assert.Equal(["WHATSAPP"], forwarded.GetProperty("channel_priority_order").EnumerateArray().Select(c => c.GetString()));
    }

    private static string Body(string key, string? contentType = null)
    {
        var type = contentType is null ? "" : $",\"message_content_type\":\"{contentType}\"";
        return $$"""{"to":{"channel":"SMS","identity":"{{Number}}"},"text":"Your order shipped","idempotency_key":"{{key}}"{{type}} }""";
    }

    private static string Inbound(string id, string text) => $$"""
        {"app_id":"{{SenderHost.AppId}}","project_id":"{{SenderHost.ProjectId}}","accepted_time":"2026-03-01T09:00:00Z","message":{"id":"{{id}}","direction":"TO_APP",
         "contact_message":{"text_message":{"text":{{JsonSerializer.Serialize(text)}} } },"channel_identity":{"channel":"SMS","identity":"15550001111"},"processing_mode":"DISPATCH"} }
        """;

    private static string SinchOptOut(string requestId, string status) => $$"""
        {"app_id":"{{SenderHost.AppId}}","project_id":"{{SenderHost.ProjectId}}","accepted_time":"2026-03-01T09:00:00Z",
         "opt_out_notification":{"request_id":"{{requestId}}","channel":"SMS","identity":"15550001111","status":"{{status}}","processing_mode":"DISPATCH"} }
        """;

    private async Task<HttpAnswer> PostCallbackAsync(string body)
    {
        var nonce = Guid.NewGuid().ToString("N");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var context = HttpInvoker.Request(Host, body, headers: new Dictionary<string, string>
        {
            [WebhookSignature.NonceHeader] = nonce,
            [WebhookSignature.TimestampHeader] = timestamp,
            [WebhookSignature.SignatureHeader] = CallbackSigner.Compute(Secret, body, nonce, timestamp),
        });
        return await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<SinchEventsFunction>().RunAsync(context.Request, CancellationToken.None));
    }

    private async Task<HttpAnswer> SendNowAsync(string body)
    {
        var context = HttpInvoker.Request(Host, body);
        return await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));
    }

    private async Task<HttpAnswer> LookupStatusAsync(string id)
    {
        var context = HttpInvoker.Request(Host, "");
        context.Request.Method = "GET";
        return await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<GetMessageStatusFunction>().RunAsync(context.Request, id, CancellationToken.None));
    }

    private async Task<HttpAnswer> OperatorAsync(string route, string body)
    {
        var function = Host.CreateFunction<OptOutsFunction>();
        var context = HttpInvoker.Request(Host, body);
        var result = route switch
        {
            "lookup" => await function.LookupAsync(context.Request, CancellationToken.None),
            "remove" => await function.RemoveAsync(context.Request, CancellationToken.None),
            "import" => await function.ImportAsync(context.Request, CancellationToken.None),
            _ => await function.AddAsync(context.Request, CancellationToken.None),
        };
        return await HttpInvoker.ExecuteAsync(context, result);
    }

    private async Task<List<JsonElement>> ReadInboundAsync(int count)
    {
        var queue = new QueueClient(Azurite.ConnectionString, _inboundQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var messages = (await queue.ReceiveMessagesAsync(32)).Value;
        Assert.Equal(count, messages.Length);
        return [.. messages.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement.Clone()).OrderBy(m => m.GetProperty("received_at").GetString(), StringComparer.Ordinal)];
    }
}
