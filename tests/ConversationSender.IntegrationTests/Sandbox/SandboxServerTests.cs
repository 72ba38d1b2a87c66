using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConversationSender.Sending;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ConversationSender.IntegrationTests.Sandbox;

/// <summary>The sandbox as a user meets it: over HTTP, through the product, and through its webhooks.</summary>
public sealed class SandboxServerTests : FreshSandboxTest
{
    [Fact]
    public void Delivery_report_signatures_follow_sinchs_published_test_vector()
    {
        // The vector from Sinch's own SDK tests (API reference §7.2).
        const string body = """{"app_id":"","accepted_time":"2021-10-18T17:49:13.813615Z","project_id":"e2df3a34-a71b-4448-9db5-a8d2baad28e4","contact_create_notification":{"contact":{"id":"01FJA8B466Y0R2GNXD78MD9SM1","channel_identities":[{"channel":"SMS","identity":"48123456789","app_id":""}],"display_name":"New Test Contact","email":"new.contact@email.com","external_id":"","metadata":"","language":"EN_US"}},"message_metadata":""}""";

        Assert.Equal("6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=", CallbackSigner.Compute("foo_secret1234", body, "01FJA8B4A7BM43YGWSG9GBV067", "1634579353"));
    }

    [Fact]
    public async Task Stage_one_checks_answer_sinchs_error_envelope()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Sandbox.BaseUrl, $"v1/projects/{SenderHost.ProjectId}/messages:send"))
        {
            Content = new StringContent("""{ "recipient": { "contact_id": "c" }, "message": { "text_message": { "text": "a" }, "media_message": { "url": "https://x" } }, "ttl": "10m" }""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SinchSandbox.DefaultKeyId}:{Sandbox.KeySecret}")));

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("INVALID_ARGUMENT", error["status"]!.GetValue<string>());
        var fields = error["details"]![0]!["field_violations"]!.AsArray().Select(v => v!["field"]!.GetValue<string>()).ToList();
        Assert.Equal(["app_id", "message", "ttl"], fields.Order(StringComparer.Ordinal));
        Assert.Equal("400 INVALID_ARGUMENT", Sandbox.Captured[0].Outcome);
    }

    [Theory]
    [InlineData("application/json", "v1/projects/{project}/messages:send", """{ "app_id": "{app}", "recipient": { "contact_id": "c" }, "message": { "text_message": { "text": "a" } }, "sender": "me" }""", 400, "sender: unknown field")]
    [InlineData("application/json", "v1/projects/{project}/messages:send", """{ "app_id": "{app}", "recipient": { "contact_id": "c" }, "message": { "text_message": { "text": "a", "bold": true } } }""", 400, "message.text_message.bold: unknown field")]
    [InlineData("application/json", "v1/projects/{project}/messages:send", """{ "app_id": "{app}", "recipient": { "contact_id": "c" }, "message": { "text_message": { } } }""", 400, "message.text_message.text: must not be empty")]
    [InlineData("application/json", "v1/projects/{project}/messages:send", """{ "app_id": "{app}", "recipient": { "contact_id": "c" }, "message": { "media_message": { "url": "" } } }""", 400, "message.media_message.url: must not be empty")]
    [InlineData("application/json", "v1/projects/{project}/messages:send", """{ "app_id": "{app}", "recipient": { "contact_id": "c" }, "message": { "text_message": { "text": "a" }, "texts": [] } }""", 400, "message.texts: unknown field")]
    [InlineData("text/plain", "v1/projects/{project}/messages:send", """{ "app_id": "{app}", "recipient": { "contact_id": "c" }, "message": { "text_message": { "text": "a" } } }""", 400, "Content-Type must be application/json")]
    [InlineData("application/json", "v1/projects/someone-else/messages:send", """{ "app_id": "{app}", "recipient": { "contact_id": "c" }, "message": { "text_message": { "text": "a" } } }""", 404, "Project 'someone-else' not found")]
    [InlineData("application/json", "v1/projects/{project}/messages:send", """{ "app_id": "01OTHERAPP0000000000000001", "recipient": { "contact_id": "c" }, "message": { "text_message": { "text": "a" } } }""", 404, "App '01OTHERAPP0000000000000001' not found")]
    public async Task Requests_are_checked_even_when_a_test_scripted_the_answer(string contentType, string path, string body, int status, string reason)
    {
        Sandbox.Options.ProjectId = SenderHost.ProjectId;
        Sandbox.Options.AppId = SenderHost.AppId;
        Sandbox.Script(FakeResponse.Unavailable());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Sandbox.BaseUrl, path.Replace("{project}", SenderHost.ProjectId, StringComparison.Ordinal)))
        {
            Content = new StringContent(body.Replace("{app}", SenderHost.AppId, StringComparison.Ordinal), Encoding.UTF8, contentType),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SinchSandbox.DefaultKeyId}:{Sandbox.KeySecret}")));

        using var response = await Http.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(Sandbox.RefusedRequests, r => r.Contains(reason, StringComparison.Ordinal));
        Assert.Empty(Sandbox.Deliveries);
    }

    [Fact]
    public async Task Identical_sends_get_new_ulids_and_are_listed_newest_first()
    {
        await using var host = SenderHost.Create(SenderHost.SettingsFor(Sandbox));
        var first = Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        var second = Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        var captured = JsonNode.Parse(await Http.GetStringAsync(new Uri(Sandbox.BaseUrl, "api/captured")))!.AsArray();

        Assert.NotEqual(first.MessageId, second.MessageId);
        Assert.Equal([second.MessageId, first.MessageId], captured.Select(c => c!["message_id"]!.GetValue<string>()));
        var newest = captured[0]!;
        Assert.Equal(["SMS"], newest["channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("+46701234567", newest["identities"]![0]!.GetValue<string>());
        Assert.Equal("text_message", newest["kind"]!.GetValue<string>());
        Assert.Equal("hello sandbox", newest["text"]!.GetValue<string>());
        Assert.Equal("c-1", newest["correlation_id"]!.GetValue<string>());
        Assert.Equal("accepted", newest["outcome"]!.GetValue<string>());
        Assert.Contains("(redacted)", newest["request_headers"]!["Authorization"]!.GetValue<string>());

        var one = JsonNode.Parse(await Http.GetStringAsync(new Uri(Sandbox.BaseUrl, $"api/captured/{newest["id"]!.GetValue<string>()}")))!;
        Assert.Equal(second.MessageId, one["message_id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync(new Uri(Sandbox.BaseUrl, "api/captured"))).StatusCode);
        Assert.Empty(JsonNode.Parse(await Http.GetStringAsync(new Uri(Sandbox.BaseUrl, "api/captured")))!.AsArray());
    }

    [Theory]
    [InlineData("eu")]
    [InlineData("br")]
    public async Task Regions_are_served_by_path(string region)
    {
        var settings = SenderHost.SettingsFor(Sandbox);
        settings["Sinch:ConversationBaseUrl"] = new Uri(Sandbox.BaseUrl, region + "/").ToString();
        await using var host = SenderHost.Create(settings);

        Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        Assert.Equal(region, Sandbox.Captured[0].Region);
        Assert.Equal($"/{region}/v1/projects/{SenderHost.ProjectId}/messages:send", Sandbox.SendRequests[0].Path);
    }

    [Fact]
    public async Task Regions_are_served_by_host_name_too()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Sandbox.BaseUrl, $"v1/projects/{SenderHost.ProjectId}/messages:send"))
        {
            Content = new StringContent($$"""{ "app_id": "{{SenderHost.AppId}}", {{Message[1..^1].Replace("\"to\": { \"channel\": \"SMS\", \"identity\": \"+46701234567\" }, \"text\": \"hello sandbox\"", "\"recipient\": { \"contact_id\": \"c\" }, \"message\": { \"text_message\": { \"text\": \"x\" } }", StringComparison.Ordinal)}} }""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Host = "eu.conversation.api.sinch.test";
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SinchSandbox.DefaultKeyId}:{Sandbox.KeySecret}")));

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("eu", Sandbox.Captured[0].Region);
    }

    [Fact]
    public async Task Fault_switches_from_the_api_make_the_next_sends_fail_and_the_product_rides_them_out()
    {
        var settings = SenderHost.SettingsFor(Sandbox);
        settings["Sinch:MaxRetries"] = "3";
        await using var host = SenderHost.Create(settings);
        Assert.Equal(HttpStatusCode.Accepted, (await Http.PostAsJsonAsync(new Uri(Sandbox.BaseUrl, "api/faults"), new { kind = "rate_limited_no_retry_after", count = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Http.PostAsJsonAsync(new Uri(Sandbox.BaseUrl, "api/faults"), new { kind = "token_expired", count = 1 })).StatusCode);
        Assert.Equal(3, JsonNode.Parse(await Http.GetStringAsync(new Uri(Sandbox.BaseUrl, "api/faults")))!.AsArray().Count);

        Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        Assert.Equal(["accepted", "401 token expired", "429 (no Retry-After)", "429 (no Retry-After)"], Sandbox.Captured.Select(c => c.Outcome));
        Assert.Equal(2, Sandbox.TokenRequests.Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsJsonAsync(new Uri(Sandbox.BaseUrl, "api/faults"), new { kind = "meteor", count = 1 })).StatusCode);
    }

    [Fact]
    public async Task Revoking_tokens_from_the_api_gets_a_plain_401_and_the_product_fetches_one_new_token()
    {
        await using var host = SenderHost.Create(SenderHost.SettingsFor(Sandbox));
        Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        Assert.Equal(HttpStatusCode.Accepted, (await Http.PostAsJsonAsync(new Uri(Sandbox.BaseUrl, "api/faults"), new { kind = "tokens_revoked", count = 1 })).StatusCode);
        Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        Assert.Equal(2, Sandbox.TokenRequests.Count);
        Assert.Equal(3, Sandbox.SendRequests.Count); // the refused one and its retry with the new token
    }

    [Fact]
    public async Task Fault_switches_from_the_page_form_work_too()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["kind"] = "unavailable", ["count"] = "1" });
        using var posted = await Http.PostAsync(new Uri(Sandbox.BaseUrl, "faults"), form);
        await using var host = SenderHost.Create(new(SenderHost.SettingsFor(Sandbox)) { ["Sinch:MaxRetries"] = "0" });

        Assert.IsType<SendOutcome.Transient>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));
    }

    [Fact]
    public async Task Accepted_sends_with_a_callback_url_get_signed_delivery_reports()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var sandbox = await SinchSandbox.StartAsync(configure: o =>
        {
            o.WebhookSecret = "whsec-test";
            o.DeliveryReportDelay = TimeSpan.FromMilliseconds(50);
        });
        await using var host = SenderHost.Create(SenderHost.SettingsFor(sandbox));
        var delivered = $$"""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "ok", "correlation_id": "c-ok", "message_metadata": "m-ok", "callback_url": "{{receiver.Url}}" }""";
        var failing = $$"""{ "to": { "channel": "SMS", "identity": "+46700000000" }, "text": "no", "correlation_id": "c-fail", "callback_url": "{{receiver.Url}}" }""";

        var ok = Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(delivered), CancellationToken.None));
        await host.Get<SendService>().SendAsync(BinaryData.FromString(failing), CancellationToken.None);
        var reports = await receiver.WaitForAsync(4);

        foreach (var report in reports)
        {
            Assert.Equal(CallbackSigner.Compute("whsec-test", report.Body, report.Nonce, report.Timestamp), report.Signature);
            Assert.Equal("HmacSHA256", report.Algorithm);
        }

        var okReports = reports.Select(r => JsonNode.Parse(r.Body)!).Where(r => r["correlation_id"]!.GetValue<string>() == "c-ok").ToList();
        Assert.Equal(["QUEUED_ON_CHANNEL", "DELIVERED"], okReports.Select(r => r["message_delivery_report"]!["status"]!.GetValue<string>()));
        Expect.All(okReports, r => Assert.Equal(ok.MessageId, r["message_delivery_report"]!["message_id"]!.GetValue<string>()));
        Expect.All(okReports, r => Assert.Equal("m-ok", r["message_delivery_report"]!["metadata"]!.GetValue<string>()));
        var failed = reports.Select(r => JsonNode.Parse(r.Body)!).Single(r => r["message_delivery_report"]!["status"]!.GetValue<string>() == "FAILED");
        Assert.Equal("c-fail", failed["correlation_id"]!.GetValue<string>());
        Assert.Equal("RECIPIENT_NOT_REACHABLE", failed["message_delivery_report"]!["reason"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task It_starts_from_command_line_arguments_on_loopback()
    {
        await using var sandbox = await SinchSandbox.StartAsync(["--urls", "http://127.0.0.1:0", "--Sandbox:KeySecret", "from-args"]);

        Assert.Equal("127.0.0.1", sandbox.BaseUrl.Host);
        Assert.NotEqual(0, sandbox.BaseUrl.Port);
        Assert.Equal("from-args", sandbox.KeySecret);
        Assert.Equal("ok", await Http.GetStringAsync(new Uri(sandbox.BaseUrl, "health")));
    }

    /// <summary>A webhook endpoint on 127.0.0.1 that keeps what Sinch (the sandbox) posts to it.</summary>
    private sealed class WebhookReceiver : IAsyncDisposable
    {
        private readonly ConcurrentQueue<Received> _received = new();
        private LoopbackServer _server = null!;

        public string Url { get; private set; } = "";

        public static async Task<WebhookReceiver> StartAsync()
        {
            var receiver = new WebhookReceiver();
            receiver._server = await LoopbackServer.StartAsync(app => app.MapPost("/callbacks", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                receiver._received.Enqueue(new Received(
                    await reader.ReadToEndAsync(),
                    request.Headers[CallbackSigner.NonceHeader].ToString(),
                    request.Headers[CallbackSigner.TimestampHeader].ToString(),
                    request.Headers[CallbackSigner.SignatureHeader].ToString(),
                    request.Headers[CallbackSigner.AlgorithmHeader].ToString()));
                return Results.Ok();
            }));
            receiver.Url = new Uri(receiver._server.BaseUrl, "callbacks").ToString();
            return receiver;
        }

        public async Task<IReadOnlyList<Received>> WaitForAsync(int count)
        {
            await Eventually.UntilAsync(() => _received.Count, n => n >= count, $"{count} callbacks");
            Assert.Equal(count, _received.Count);
            return [.. _received];
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }

    private sealed record Received(string Body, string Nonce, string Timestamp, string Signature, string Algorithm);
}
