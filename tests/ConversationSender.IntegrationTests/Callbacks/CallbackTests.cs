using System.Globalization;
using System.Text;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConversationSender.Callbacks;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Callbacks;

/// <summary>The callback receiver, the status store (Azurite tables) and the status lookup.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CallbackTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Secret = "whsec-callback-tests";
    private SinchSandbox _sandbox = null!;
    private SenderHost _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await SinchSandbox.StartAsync(configure: o =>
        {
            o.WebhookSecret = Secret;
            o.DeliveryReportDelay = TimeSpan.FromMilliseconds(50);
        });
        _host = CreateHost();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public void Both_of_sinchs_published_test_vectors_verify_and_a_one_byte_change_does_not()
    {
        var oneLine = """{"app_id":"","accepted_time":"2021-10-18T17:49:13.813615Z","project_id":"e2df3a34-a71b-4448-9db5-a8d2baad28e4","contact_create_notification":{"contact":{"id":"01FJA8B466Y0R2GNXD78MD9SM1","channel_identities":[{"channel":"SMS","identity":"48123456789","app_id":""}],"display_name":"New Test Contact","email":"new.contact@email.com","external_id":"","metadata":"","language":"EN_US"}},"message_metadata":""}"""u8.ToArray();
        var multiLine = File.ReadAllBytes(RepositoryRoot.File("tests", "ConversationSender.IntegrationTests", "Callbacks", "Vectors", "sinch-sdk-event.json"));
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(1634579353);

        Assert.Equal(WebhookVerification.Valid, Verify("foo_secret1234", oneLine, "6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=", signedAt));
        Assert.Equal(WebhookVerification.Valid, Verify("foo_secret1234", multiLine, "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPo=", signedAt));

        var tampered = (byte[])oneLine.Clone();
        tampered[^3] ^= 1;
        Assert.Equal(WebhookVerification.BadSignature, Verify("foo_secret1234", tampered, "6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=", signedAt));
        Assert.Equal(WebhookVerification.BadSignature, Verify("foo_secret1234", multiLine[..^1], "wKmZBGo4Cf+y9cZoPHhiVw6ziKeubLGqN4OdG8jlaPo=", signedAt));
        Assert.Equal(WebhookVerification.BadSignature, Verify("wrong_secret", oneLine, "6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=", signedAt));
        Assert.Equal(WebhookVerification.StaleTimestamp, Verify("foo_secret1234", oneLine, "6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=", DateTimeOffset.UtcNow));

        static WebhookVerification Verify(string secret, byte[] body, string signature, DateTimeOffset now) =>
            WebhookSignature.Verify(secret, body, "01FJA8B4A7BM43YGWSG9GBV067", "1634579353", signature, now, TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task A_signed_delivery_report_is_stored_and_looked_up()
    {
        var answer = await PostCallbackAsync(Report("01MSGA", "DELIVERED", "2026-11-29T10:00:01Z"));

        Assert.Equal(200, answer.Status);
        var status = await LookupAsync("01MSGA");
        Assert.Equal(200, status.Status);
        Assert.Equal("DELIVERED", status.Json.GetProperty("status").GetString());
        Assert.Equal("SMS", status.Json.GetProperty("history")[0].GetProperty("channel").GetString());
        Assert.DoesNotContain("+46701234567", status.Body);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("wrong")]
    [InlineData("stale")]
    [InlineData("future")]
    public async Task Unsigned_wrongly_signed_or_stale_callbacks_get_401_and_change_nothing(string defect)
    {
        var body = Report("01MSGB", "DELIVERED", "2026-11-29T10:00:01Z");
        var at = defect switch { "stale" => DateTimeOffset.UtcNow.AddMinutes(-6), "future" => DateTimeOffset.UtcNow.AddMinutes(6), _ => DateTimeOffset.UtcNow };
        var headers = Sign(body, Guid.NewGuid().ToString("N"), at, defect == "wrong" ? "another-secret" : Secret);
        if (defect == "missing")
        {
            headers.Remove(WebhookSignature.SignatureHeader);
        }

        var answer = await PostCallbackAsync(body, headers);

        Assert.Equal(401, answer.Status);
        Assert.Equal(404, (await LookupAsync("01MSGB")).Status);
    }

    [Fact]
    public async Task A_replayed_nonce_is_refused()
    {
        var body = Report("01MSGC", "QUEUED_ON_CHANNEL", "2026-11-29T10:00:00Z");
        var headers = Sign(body, "nonce-once", DateTimeOffset.UtcNow, Secret);

        Assert.Equal(200, (await PostCallbackAsync(body, headers)).Status);
        Assert.Equal(401, (await PostCallbackAsync(body, headers)).Status);
    }

    [Fact]
    public async Task A_report_that_could_not_be_stored_is_accepted_when_sinch_delivers_it_again()
    {
        await using var storage = await AzuriteProcess.StartAsync(persistent: true);
        await using var host = CreateHost(settings => settings["SendQueueStorage"] = storage.ConnectionString);
        var body = Report("01MSGR", "DELIVERED", "2026-11-29T10:00:02Z");
        var headers = Sign(body, "nonce-redelivered", DateTimeOffset.UtcNow, Secret);

        storage.Stop();
        var whileDown = await PostCallbackAsync(host, body, headers);
        await storage.RestartAsync();
        var redelivered = await PostCallbackAsync(host, body, headers);

        Assert.Equal(503, whileDown.Status);
        Assert.Equal(200, redelivered.Status);
        Assert.Equal("DELIVERED", (await LookupAsync(host, "01MSGR")).Json.GetProperty("status").GetString());
        Assert.Equal(401, (await PostCallbackAsync(host, body, headers)).Status); // once stored, the same nonce is a replay again
    }

    [Fact]
    public async Task The_webhook_secret_can_come_from_key_vault_and_reports_are_forwarded_to_a_queue()
    {
        await using var vault = await FakeKeyVaultServer.StartAsync();
        SinchSecrets.Store(vault, _sandbox, SenderHost.ProjectId, SenderHost.AppId);
        vault.Secrets["sinch-webhook-secret"] = "whsec-from-the-vault";
        var forwardQueue = "reports-" + Guid.NewGuid().ToString("N")[..8];
        await using var host = SenderHost.CreateWithKeyVault(_sandbox, vault, settings =>
        {
            settings["SendQueueStorage"] = azurite.ConnectionString;
            settings["Webhooks:StatusTableName"] = "status" + Guid.NewGuid().ToString("N")[..12];
            settings["Webhooks:ForwardQueueName"] = forwardQueue;
        });
        var body = Report("01MSGV", "DELIVERED", "2026-11-29T10:00:02Z");

        var withLocalSecret = await PostCallbackAsync(host, body, Sign(body, "n-1", DateTimeOffset.UtcNow, Secret));
        var withVaultSecret = await PostCallbackAsync(host, body, Sign(body, "n-2", DateTimeOffset.UtcNow, "whsec-from-the-vault"));

        Assert.Equal(401, withLocalSecret.Status);
        Assert.Equal(200, withVaultSecret.Status);
        Assert.Equal(1, vault.ReadsOf("sinch-webhook-secret"));
        var forwarded = (await new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, forwardQueue).ReceiveMessagesAsync(32)).Value;
        var message = Assert.Single(forwarded);
        Assert.Equal(body, Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString())));
    }

    [Fact]
    public async Task While_the_webhook_secret_is_missing_anonymous_posts_cause_no_vault_reads_and_learn_nothing()
    {
        await using var vault = await FakeKeyVaultServer.StartAsync();
        SinchSecrets.Store(vault, _sandbox, SenderHost.ProjectId, SenderHost.AppId);
        await using var host = SenderHost.CreateWithKeyVault(_sandbox, vault, settings => settings["KeyVault:FailureBackoff"] = "00:01:00");
        var body = Report("01MSGMISSING", "DELIVERED", "2026-11-29T10:00:02Z");

        // The state right after deployment: the secret is not in the vault yet, and anyone may post.
        var answers = new List<HttpAnswer>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await PostCallbackAsync(host, body, Sign(body, $"anon-{i}", DateTimeOffset.UtcNow, "guessed")));
        }

        var unsigned = await PostCallbackAsync(host, body, []);

        Expect.All(answers.Append(unsigned), a => Assert.Equal(503, a.Status));
        Assert.Equal(1, vault.ReadsOf("sinch-webhook-secret"));
        Expect.All(answers.Append(unsigned), a => Assert.DoesNotContain("secret", a.Body, StringComparison.OrdinalIgnoreCase));
        Expect.All(answers.Append(unsigned), a => Assert.DoesNotContain("vault", a.Body, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(host.Logs.Lines, l => l.Contains("sinch-webhook-secret", StringComparison.Ordinal));
    }

    [Fact]
    public void The_products_signature_and_the_sandboxs_agree_byte_for_byte()
    {
        var random = new Random(7);
        for (var i = 0; i < 50; i++)
        {
            var body = new string([.. Enumerable.Range(0, random.Next(0, 300)).Select(_ => (char)random.Next(32, 0x2FF))]);
            var nonce = Guid.NewGuid().ToString("N");
            var timestamp = random.NextInt64(1_600_000_000, 1_900_000_000).ToString(CultureInfo.InvariantCulture);

            Assert.Equal(
                CallbackSigner.Compute("secret-" + i, body, nonce, timestamp),
                Convert.ToBase64String(WebhookSignature.Compute(Encoding.UTF8.GetBytes("secret-" + i), Encoding.UTF8.GetBytes(body), nonce, timestamp)));
        }
    }

    [Fact]
    public async Task Late_and_duplicate_reports_never_move_a_message_backwards()
    {
        await PostCallbackAsync(Report("01MSGD", "DELIVERED", "2026-11-29T10:00:02Z"));
        await PostCallbackAsync(Report("01MSGD", "QUEUED_ON_CHANNEL", "2026-11-29T10:00:01Z"));
        await PostCallbackAsync(Report("01MSGD", "DELIVERED", "2026-11-29T10:00:02Z"));

        var status = (await LookupAsync("01MSGD")).Json;

        Assert.Equal("DELIVERED", status.GetProperty("status").GetString());
        Assert.Equal(["QUEUED_ON_CHANNEL", "DELIVERED"], status.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task An_inbound_message_is_forwarded_to_the_inbound_queue_in_a_versioned_envelope_and_never_logged_with_its_identity()
    {
        var inbound = "inbound-" + Guid.NewGuid().ToString("N")[..8];
        await using var host = CreateHost(s => s["Webhooks:InboundQueueName"] = inbound);
        const string body = """{ "app_id": "01APP", "project_id": "p", "accepted_time": "2026-11-29T10:00:00Z", "event_time": "2026-11-29T10:00:01Z", "message": { "id": "01INBOUND", "direction": "TO_APP", "channel_identity": { "channel": "WHATSAPP", "identity": "46709876543", "app_id": "01APP" }, "contact_message": { "text_message": { "text": "Yes, confirm" } }, "conversation_id": "01CONV", "contact_id": "01CONTACT" } }""";

        Assert.Equal(200, (await PostCallbackAsync(host, body)).Status);

        var envelope = JsonNode.Parse(Assert.Single(await ReadQueueAsync(inbound)))!;
        Assert.Equal(1, envelope["version"]!.GetValue<int>());
        Assert.Equal("MESSAGE_INBOUND", envelope["trigger"]!.GetValue<string>());
        Assert.Equal(("01INBOUND", "01CONTACT", "01CONV", "WHATSAPP", "01APP"), (envelope["message_id"]!.GetValue<string>(), envelope["contact_id"]!.GetValue<string>(), envelope["conversation_id"]!.GetValue<string>(), envelope["channel"]!.GetValue<string>(), envelope["app_id"]!.GetValue<string>()));
        Assert.Equal("46709876543", envelope["callback"]!["message"]!["channel_identity"]!["identity"]!.GetValue<string>());
        Assert.Equal("Yes, confirm", envelope["callback"]!["message"]!["contact_message"]!["text_message"]!["text"]!.GetValue<string>());
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("46709876543", StringComparison.Ordinal) || l.Contains("Yes, confirm", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_badly_signed_inbound_message_never_reaches_the_inbound_queue()
    {
        var inbound = "inbound-" + Guid.NewGuid().ToString("N")[..8];
        await using var host = CreateHost(s => s["Webhooks:InboundQueueName"] = inbound);
        const string body = """{ "app_id": "01APP", "project_id": "p", "message": { "id": "01FORGED", "direction": "TO_APP", "channel_identity": { "channel": "SMS", "identity": "+46701234567" }, "contact_message": { "text_message": { "text": "forged" } } } }""";

        var forged = await PostCallbackAsync(host, body, Sign(body, "forged-1", DateTimeOffset.UtcNow, "not-the-secret"));
        var unsigned = await PostCallbackAsync(host, body, []);
        var stale = await PostCallbackAsync(host, body, Sign(body, "stale-1", DateTimeOffset.UtcNow.AddHours(-1), Secret));

        Assert.Equal([401, 401, 401], new[] { forged.Status, unsigned.Status, stale.Status });
        Assert.Empty(await ReadQueueAsync(inbound));
    }

    [Fact]
    public async Task An_unknown_trigger_is_forwarded_as_received_and_a_trigger_not_configured_is_only_accepted()
    {
        var inbound = "inbound-" + Guid.NewGuid().ToString("N")[..8];
        await using var host = CreateHost(s =>
        {
            s["Webhooks:InboundQueueName"] = inbound;
            s["Webhooks:InboundTriggers"] = "MESSAGE_INBOUND, UNKNOWN";
        });
        const string unknown = """{ "app_id": "a", "project_id": "p", "brand_new_notification": { "id": "x" } }""";
        const string notConfigured = """{ "app_id": "a", "project_id": "p", "event": { "id": "01EVENT", "contact_event": { "composing_event": {} } } }""";

        Assert.Equal(200, (await PostCallbackAsync(host, unknown)).Status);
        Assert.Equal(200, (await PostCallbackAsync(host, notConfigured)).Status);

        var forwarded = Assert.Single(await ReadQueueAsync(inbound));
        Assert.Equal("UNKNOWN", JsonNode.Parse(forwarded)!["trigger"]!.GetValue<string>());
        Assert.Equal("x", JsonNode.Parse(forwarded)!["callback"]!["brand_new_notification"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_sandbox_replies_as_the_recipient_and_the_reply_reaches_the_inbound_queue()
    {
        var inbound = "inbound-" + Guid.NewGuid().ToString("N")[..8];
        await using var functions = await HttpFunctionsServer.StartAsync();
        await using var loopHost = CreateHost(s => s["Webhooks:InboundQueueName"] = inbound);
        functions.Host = loopHost;
        _sandbox.Options.WebhookUrl = new Uri(functions.BaseUrl, "api/" + SinchEventsFunction.Route).ToString();
        using var http = new HttpClient();

        using var answer = await http.PostAsJsonAsync(new Uri(_sandbox.BaseUrl, "api/inbound"), new { channel = "SMS", identity = "+46701234567", text = "Stop" });

        Assert.True(answer.StatusCode == System.Net.HttpStatusCode.Accepted, await answer.Content.ReadAsStringAsync());
        Assert.Equal(200, JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["webhook_status"]!.GetValue<int>());
        var envelope = JsonNode.Parse(Assert.Single(await ReadQueueAsync(inbound)))!;
        Assert.Equal("MESSAGE_INBOUND", envelope["trigger"]!.GetValue<string>());
        Assert.Equal("Stop", envelope["callback"]!["message"]!["contact_message"]!["text_message"]!["text"]!.GetValue<string>());
    }

    private async Task<List<string>> ReadQueueAsync(string queueName)
    {
        var queue = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, queueName);
        return await queue.ExistsAsync()
            ? [.. (await queue.ReceiveMessagesAsync(32)).Value.Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Body.ToString())))]
            : [];
    }

    [Fact]
    public async Task Other_event_kinds_are_accepted_and_not_stored()
    {
        var body = """{ "app_id": "a", "project_id": "p", "event_time": "2026-11-29T10:00:00Z", "message_submit_notification": { "message_id": "01MSGE" } }""";

        Assert.Equal(200, (await PostCallbackAsync(body)).Status);
        Assert.Equal(404, (await LookupAsync("01MSGE")).Status);
    }

    [Fact]
    public async Task Unknown_ids_answer_404()
    {
        Assert.Equal(404, (await LookupAsync("01NOSUCHMESSAGE")).Status);
        Assert.Equal(404, (await LookupAsync("bad/id")).Status);
    }

    [Fact]
    public void The_receiver_is_anonymous_and_the_lookup_needs_a_key()
    {
        static Microsoft.Azure.Functions.Worker.HttpTriggerAttribute Trigger(Type type) =>
            (Microsoft.Azure.Functions.Worker.HttpTriggerAttribute)type.GetMethod("RunAsync")!.GetParameters()[0].GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.HttpTriggerAttribute), false).Single();

        Assert.Equal(Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous, Trigger(typeof(SinchEventsFunction)).AuthLevel);
        Assert.Equal("sinch/events", Trigger(typeof(SinchEventsFunction)).Route);
        Assert.Equal(Microsoft.Azure.Functions.Worker.AuthorizationLevel.Function, Trigger(typeof(GetMessageStatusFunction)).AuthLevel);
        Assert.Equal("messages/{id}", Trigger(typeof(GetMessageStatusFunction)).Route);
    }

    [Fact]
    public async Task The_whole_loop_sandbox_reports_reach_the_receiver_and_the_lookup_shows_delivered_and_failed()
    {
        await using var functions = await HttpFunctionsServer.StartAsync();
        var publicBaseUrl = functions.BaseUrl.GetLeftPart(UriPartial.Authority);
        await using var loopHost = CreateHost(settings => settings["Webhooks:PublicBaseUrl"] = publicBaseUrl);
        functions.Host = loopHost;

        var delivered = await SendAsync(loopHost, """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your order has shipped", "correlation_id": "loop-1" }""", "order-7");
        var failed = await SendAsync(loopHost, """{ "to": { "channel": "SMS", "identity": "+46700000000" }, "text": "This one fails" }""", "order-8");

        Assert.StartsWith(publicBaseUrl, _sandbox.Captured.First(c => c.MessageId == delivered).CallbackUrl, StringComparison.Ordinal);
        var deliveredStatus = await WaitForStatusAsync(loopHost, "order-7", "DELIVERED");
        var failedStatus = await WaitForStatusAsync(loopHost, failed, "FAILED");
        Assert.Equal(delivered, deliveredStatus.GetProperty("message_id").GetString());
        Assert.False(deliveredStatus.TryGetProperty("tracking_id", out _), "the caller's key is not given back");
        Assert.Equal("loop-1", deliveredStatus.GetProperty("correlation_id").GetString());
        Assert.Equal(["QUEUED_ON_CHANNEL", "DELIVERED"], deliveredStatus.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
        Assert.Equal("RECIPIENT_NOT_REACHABLE", failedStatus.GetProperty("history").EnumerateArray().Last().GetProperty("reason_code").GetString());
    }

    private SenderHost CreateHost(Action<Dictionary<string, string?>>? adjust = null)
    {
        var settings = SenderHost.SettingsFor(_sandbox);
        settings["SendQueueStorage"] = azurite.ConnectionString;
        settings["Webhooks:Secret"] = Secret;
        settings["Webhooks:StatusTableName"] = "status" + Guid.NewGuid().ToString("N")[..12];
        // A "Stop" reply opts its number out: each host keeps its own suppression list.
        settings["Consent:TableName"] = "consent" + Guid.NewGuid().ToString("N")[..12];
        adjust?.Invoke(settings);
        return SenderHost.Create(settings);
    }

    private static string Report(string messageId, string status, string eventTime) => $$"""
        { "app_id": "a", "project_id": "p", "accepted_time": "2026-11-29T10:00:00Z", "event_time": "{{eventTime}}", "message_metadata": "", "correlation_id": "c",
          "message_delivery_report": { "message_id": "{{messageId}}", "status": "{{status}}", "channel_identity": { "channel": "SMS", "identity": "+46701234567", "app_id": "" }, "metadata": "" } }
        """;

    private static Dictionary<string, string> Sign(string body, string nonce, DateTimeOffset at, string secret)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            [WebhookSignature.NonceHeader] = nonce,
            [WebhookSignature.TimestampHeader] = timestamp,
            // Signed by the sandbox's own signer: the product's verifier is checked against an independent implementation.
            [WebhookSignature.SignatureHeader] = CallbackSigner.Compute(secret, body, nonce, timestamp),
        };
    }

    private Task<HttpAnswer> PostCallbackAsync(string body, Dictionary<string, string>? headers = null) => PostCallbackAsync(_host, body, headers);

    private static async Task<HttpAnswer> PostCallbackAsync(SenderHost host, string body, Dictionary<string, string>? headers = null)
    {
        var context = HttpInvoker.Request(host, body, headers: headers ?? Sign(body, Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, Secret));
        return await HttpInvoker.ExecuteAsync(context, await host.CreateFunction<SinchEventsFunction>().RunAsync(context.Request, CancellationToken.None));
    }

    private Task<HttpAnswer> LookupAsync(string id) => LookupAsync(_host, id);

    private static async Task<HttpAnswer> LookupAsync(SenderHost host, string id)
    {
        var context = HttpInvoker.Request(host, "");
        context.Request.Method = "GET";
        return await HttpInvoker.ExecuteAsync(context, await host.CreateFunction<GetMessageStatusFunction>().RunAsync(context.Request, id, CancellationToken.None));
    }

    private static async Task<string> SendAsync(SenderHost host, string message, string key)
    {
        var context = HttpInvoker.Request(host, message, headers: new Dictionary<string, string> { ["Idempotency-Key"] = key });
        var answer = await HttpInvoker.ExecuteAsync(context, await host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));
        Assert.Equal(200, answer.Status);
        return answer.Json.GetProperty("message_id").GetString()!;
    }

    private static async Task<JsonElement> WaitForStatusAsync(SenderHost host, string id, string status)
    {
        var answer = await Eventually.UntilResultAsync(() => LookupAsync(host, id), a => a.Status == 200 && a.Json.GetProperty("status").GetString() == status, $"{id} to reach {status}");
        return answer.Json;
    }
}
