using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ConversationSender.Functions;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Sandbox;

/// <summary>
/// The sandbox's consent flows end to end: its signed OPT_OUT / OPT_IN notifications and the recipient's STOP / START
/// replies, posted over HTTP to the product's callback function (on the loopback stand-in of the Functions host), change
/// the suppression list on Azurite; the product's send refuses the identity, and the sandbox shows what Sinch would know.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SandboxConsentTests(AzuriteFixture azurite) : SandboxedSenderTest(azurite, "sbconsent"), IAsyncLifetime
{
    private const string Number = "+15550004444";
    private readonly HttpClient _http = new();
    private HttpFunctionsServer _functions = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        _functions = await HttpFunctionsServer.StartAsync();
        _functions.Host = Host;
        Sinch.Options.WebhookUrl = new Uri(_functions.BaseUrl, "api/" + SinchEventsFunction.Route).ToString();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        _http.Dispose();
        await _functions.DisposeAsync();
        await DisposeAsync();
    }

    protected override SenderHost CreateHost()
    {
        var settings = SenderHost.SettingsFor(Sinch, Azurite.ConnectionString, QueueName);
        settings["Webhooks:Secret"] = Sinch.Options.WebhookSecret;
        settings["Webhooks:StatusTableName"] = "status" + Guid.NewGuid().ToString("N")[..12];
        settings["Consent:TableName"] = "consent" + Guid.NewGuid().ToString("N")[..12];
        settings["Idempotency:TableName"] = "idem" + Guid.NewGuid().ToString("N")[..12];
        return SenderHost.Create(settings);
    }

    [Fact]
    public async Task An_emitted_opt_out_reaches_the_product_and_the_next_send_is_refused_as_suppressed_until_an_opt_in()
    {
        var failed = await EmitAsync("""{ "channel": "SMS", "identity": "15550004444", "kind": "OPT_OUT", "status": "OPT_OUT_FAILED" }""");
        Assert.Equal(200, failed["webhook_status"]!.GetValue<int>());
        Assert.Equal(200, (await SendAsync("before")).Status); // a failed opt-out changes nothing, at Sinch or here
        Assert.Empty(Sinch.Consent);

        var optOut = await EmitAsync("""{ "channel": "SMS", "identity": "15550004444", "kind": "OPT_OUT" }""");
        Assert.Equal(200, optOut["webhook_status"]!.GetValue<int>());
        var opted = Assert.Single(Sinch.Consent);
        Assert.True(opted.OptedOut);
        Assert.Equal("opt_out_notification", opted.Source);

        var sendsBefore = Sinch.SendRequests.Count;
        var refused = await SendAsync("after-opt-out");
        Assert.Equal(422, refused.Status);
        Assert.Equal("urn:conversation-sender:problem:recipient-opted-out", refused.Json.GetProperty("type").GetString());
        Assert.Contains("source: sinch_event", refused.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(sendsBefore, Sinch.SendRequests.Count); // refused before Sinch was called

        // Sinch delivers the same notification again (same request_id): still 200, nothing new.
        var again = await EmitAsync($$"""{ "channel": "SMS", "identity": "15550004444", "kind": "OPT_OUT", "request_id": "{{optOut["request_id"]!.GetValue<string>()}}" }""");
        Assert.Equal(200, again["webhook_status"]!.GetValue<int>());

        Assert.Equal(200, (await EmitAsync("""{ "channel": "SMS", "identity": "15550004444", "kind": "OPT_IN" }"""))["webhook_status"]!.GetValue<int>());
        Assert.False(Assert.Single(Sinch.Consent).OptedOut);
        Assert.Equal(200, (await SendAsync("after-opt-in")).Status);
    }

    [Fact]
    public async Task A_stop_reply_as_the_recipient_shows_the_identity_opted_out_and_start_opts_it_in_again()
    {
        var stop = await ReplyAsync("Stop.");
        Assert.Equal(200, stop["webhook_status"]!.GetValue<int>());
        var state = Assert.Single(Sinch.Consent);
        Assert.Equal((true, "keyword", "STOP, webhook 200"), (state.OptedOut, state.Source, state.Detail));
        Assert.Equal(422, (await SendAsync("after-stop")).Status); // the product read the same keyword

        // A reply that is no keyword of Sinch's changes nothing on the page.
        await ReplyAsync("STOP this bill");
        Assert.True(Assert.Single(Sinch.Consent).OptedOut);

        await ReplyAsync("start");
        Assert.False(Assert.Single(Sinch.Consent).OptedOut);
        Assert.Equal(200, (await SendAsync("after-start")).Status);
        var page = JsonNode.Parse(await _http.GetStringAsync(new Uri(Sinch.BaseUrl, "api/page")))!;
        Assert.False(page["consent"]![0]!["opted_out"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("""{ "channel": "SMS", "identity": "15550004444", "kind": "OPT_MAYBE" }""", "kind must be")]
    [InlineData("""{ "channel": "SMS", "identity": "", "kind": "OPT_OUT" }""", "identity is required")]
    [InlineData("""{ "channel": "PIGEON", "identity": "15550004444", "kind": "OPT_OUT" }""", "channel must be one of")]
    [InlineData("""{ "channel": "SMS", "identity": "15550004444", "kind": "OPT_IN", "status": "OPT_OUT_SUCCEEDED" }""", "status must be OPT_IN_SUCCEEDED or OPT_IN_FAILED")]
    public async Task A_consent_event_the_sandbox_cannot_emit_is_refused_with_the_reason(string body, string reason)
    {
        using var answer = await _http.PostAsync(new Uri(Sinch.BaseUrl, "api/consent-event"), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains(reason, await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Sinch.Consent);
    }

    private async Task<JsonNode> EmitAsync(string body)
    {
        using var answer = await _http.PostAsync(new Uri(Sinch.BaseUrl, "api/consent-event"), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.True(answer.StatusCode == HttpStatusCode.Accepted, await answer.Content.ReadAsStringAsync());
        return JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
    }

    private async Task<JsonNode> ReplyAsync(string text)
    {
        using var answer = await _http.PostAsJsonAsync(new Uri(Sinch.BaseUrl, "api/inbound"), new { channel = "SMS", identity = "15550004444", text });
        Assert.True(answer.StatusCode == HttpStatusCode.Accepted, await answer.Content.ReadAsStringAsync());
        return JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
    }

    private async Task<HttpAnswer> SendAsync(string key)
    {
        var body = $$"""{"to":{"channel":"SMS","identity":"{{Number}}"},"text":"Your order shipped","idempotency_key":"{{key}}"}""";
        var context = HttpInvoker.Request(Host, body);
        return await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));
    }
}
