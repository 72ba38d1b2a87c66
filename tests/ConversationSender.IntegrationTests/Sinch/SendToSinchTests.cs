using System.Net;
using System.Text;
using ConversationSender.Sending;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.IntegrationTests.Sinch;

/// <summary>The send service through the app's DI against the fake Sinch: wire format, path, headers, outcomes.</summary>
public sealed class SendToSinchTests : SandboxedSenderTest
{
    private Task<SendOutcome> SendAsync(string json) => Host.Get<SendService>().SendAsync(BinaryData.FromString(json), CancellationToken.None);

    [Fact]
    public async Task Short_form_becomes_the_full_sinch_body_with_app_id_on_the_project_path()
    {
        var outcome = await SendAsync("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""");

        var accepted = Assert.IsType<SendOutcome.Accepted>(outcome);
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{26}$", accepted.MessageId);
        var send = Assert.Single(Sinch.SendRequests);
        Assert.Equal("POST", send.Method);
        Assert.Equal($"/v1/projects/{SenderHost.ProjectId}/messages:send", send.Path);
        Assert.Equal("application/json", send.ContentType);
        Assert.Equal("application/json", send.Accept);
        Assert.StartsWith("Bearer " + SandboxToken.Prefix, send.Authorization);
        JsonAssert.Equal($$"""
            {
              "app_id": "{{SenderHost.AppId}}",
              "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "+46701234567" } ] } },
              "message": { "text_message": { "text": "Your code is 123456" } }
            }
            """, send.Body);
    }

    [Fact]
    public async Task Full_form_keeps_every_sinch_field_and_normalizes_channels_and_ttl()
    {
        var outcome = await SendAsync("""
            {
              "recipient": { "identified_by": { "channel_identities": [
                { "channel": "whatsapp", "identity": "46701234567" },
                { "channel": "SMS", "identity": "46701234567" } ] } },
              "message": { "text_message": { "text": "Your order 1234 has shipped." } },
              "channel_priority_order": ["WHATSAPP", "sms"],
              "channel_properties": { "SMS_SENDER": "MyShop" },
              "message_metadata": "order-1234",
              "conversation_metadata": { "order": 1234 },
              "correlation_id": "c-98f1",
              "callback_url": "https://example.com/sinch/callbacks",
              "queue": "HIGH_PRIORITY",
              "ttl": 600,
              "processing_strategy": "DISPATCH_ONLY",
              "message_content_type": "CONTENT_NOTIFICATION"
            }
            """);

        Assert.IsType<SendOutcome.Accepted>(outcome);
        JsonAssert.Equal($$"""
            {
              "app_id": "{{SenderHost.AppId}}",
              "recipient": { "identified_by": { "channel_identities": [
                { "channel": "WHATSAPP", "identity": "46701234567" },
                { "channel": "SMS", "identity": "46701234567" } ] } },
              "message": { "text_message": { "text": "Your order 1234 has shipped." } },
              "channel_priority_order": ["WHATSAPP", "SMS"],
              "channel_properties": { "SMS_SENDER": "MyShop" },
              "message_metadata": "order-1234",
              "conversation_metadata": { "order": 1234 },
              "correlation_id": "c-98f1",
              "callback_url": "https://example.com/sinch/callbacks",
              "queue": "HIGH_PRIORITY",
              "ttl": "600s",
              "processing_strategy": "DISPATCH_ONLY",
              "message_content_type": "CONTENT_NOTIFICATION"
            }
            """, Assert.Single(Sinch.SendRequests).Body);
    }

    [Fact]
    public async Task Other_message_kinds_and_contact_recipients_pass_through_unchanged()
    {
        const string media = """{ "url": "https://example.com/a.png", "thumbnail_url": "https://example.com/t.png", "filename_override": "a.png" }""";
        var outcome = await SendAsync($$"""{ "recipient": { "contact_id": "01CONTACT" }, "message": { "media_message": {{media}}, "agent": { "display_name": "Ann", "type": "HUMAN" } }, "ttl": "90s" }""");

        Assert.IsType<SendOutcome.Accepted>(outcome);
        JsonAssert.Equal($$"""
            { "app_id": "{{SenderHost.AppId}}", "recipient": { "contact_id": "01CONTACT" },
              "message": { "media_message": {{media}}, "agent": { "display_name": "Ann", "type": "HUMAN" } }, "ttl": "90s" }
            """, Assert.Single(Sinch.SendRequests).Body);
    }

    [Fact]
    public async Task One_oauth_token_serves_many_concurrent_sends()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 25).Select(i => SendAsync($$"""{ "to": { "channel": "SMS", "identity": "+4670000{{i:D4}}" }, "text": "hi" }""")));

        Expect.All(outcomes, o => Assert.IsType<SendOutcome.Accepted>(o));
        var token = Assert.Single(Sinch.TokenRequests);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SinchSandbox.DefaultKeyId}:{Sinch.KeySecret}")), token.Authorization);
        Assert.Equal("grant_type=client_credentials", token.Body);
        Assert.Equal("application/x-www-form-urlencoded", token.ContentType);
        Assert.Single(Sinch.SendRequests.Select(r => r.Authorization).Distinct());
        Assert.Equal(25, Sinch.SendRequests.Select(r => r.Body).Distinct().Count());
    }

    [Fact]
    public async Task A_token_sinch_says_expired_is_replaced_and_the_send_retried_once()
    {
        Assert.IsType<SendOutcome.Accepted>(await SendAsync(ShortMessage));
        Sinch.ExpireIssuedTokens();

        var outcome = await SendAsync(ShortMessage);

        Assert.IsType<SendOutcome.Accepted>(outcome);
        Assert.Equal(2, Sinch.TokenRequests.Count);
        var sends = Sinch.SendRequests;
        Assert.Equal(3, sends.Count);
        Assert.Equal(sends[0].Authorization, sends[1].Authorization);
        Assert.NotEqual(sends[1].Authorization, sends[2].Authorization);
        Assert.Equal(sends[1].Body, sends[2].Body);
    }

    [Fact]
    public async Task Rejected_with_sinch_field_violations_is_not_retried()
    {
        Sinch.Script(FakeResponse.SinchError(400, "INVALID_ARGUMENT", "Invalid argument", ("recipient.identified_by", "channel not configured")));

        var outcome = await SendAsync(ShortMessage);

        var rejected = Assert.IsType<SendOutcome.Rejected>(outcome);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.UpstreamStatus);
        Assert.Equal("INVALID_ARGUMENT", rejected.SinchStatus);
        Assert.Contains("Invalid argument", rejected.Reason);
        var error = Assert.Single(rejected.Errors);
        Assert.Equal(("recipient.identified_by", "channel not configured"), (error.Field, error.Message));
        Assert.Single(Sinch.SendRequests);
    }

    [Theory]
    [InlineData(403, "PERMISSION_DENIED", "billing")]
    [InlineData(404, "NOT_FOUND", "Sinch:Region")]
    public async Task Forbidden_and_not_found_are_permanent_rejections_with_a_hint(int status, string statusName, string hint)
    {
        Sinch.Script(FakeResponse.SinchError(status, statusName, "nope"));

        var rejected = Assert.IsType<SendOutcome.Rejected>(await SendAsync(ShortMessage));

        Assert.Equal((HttpStatusCode)status, rejected.UpstreamStatus);
        Assert.Equal(statusName, rejected.SinchStatus);
        Assert.Contains("nope", rejected.Reason);
        Assert.Contains(hint, rejected.Reason);
        Assert.Single(Sinch.SendRequests);
    }

    [Fact]
    public async Task The_legacy_unwrapped_error_shape_is_read_too()
    {
        Sinch.Script(new FakeResponse(400, """{ "code": 400, "message": "bad ttl", "status": "INVALID_ARGUMENT", "details": [] }"""));

        var rejected = Assert.IsType<SendOutcome.Rejected>(await SendAsync(ShortMessage));

        Assert.Equal("INVALID_ARGUMENT", rejected.SinchStatus);
        Assert.Contains("bad ttl", rejected.Reason);
    }

    [Fact]
    public async Task A_non_json_error_page_is_not_parsed()
    {
        Sinch.Script(new FakeResponse(502, "<html>Bad gateway</html>", "text/html"));

        var transient = Assert.IsType<SendOutcome.Transient>(await SendAsync(ShortMessage));

        Assert.Equal(HttpStatusCode.BadGateway, transient.UpstreamStatus);
        Assert.DoesNotContain("html", transient.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Rate_limiting_is_retried_honouring_retry_after_then_succeeds()
    {
        Sinch.Script(FakeResponse.RateLimited(retryAfterSeconds: 0), FakeResponse.Unavailable());

        Assert.IsType<SendOutcome.Accepted>(await SendAsync(ShortMessage));

        Assert.Equal(3, Sinch.SendRequests.Count);
        Assert.Single(Sinch.SendRequests.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task The_retry_waits_the_retry_after_sinch_asked_for_on_the_pipelines_clock()
    {
        var pipelineClock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var settings = SenderHost.SettingsFor(Sinch);
        settings["Sinch:MaxRetryDelay"] = "00:00:05";
        await using var host = SenderHost.Create(settings, s => s.AddSingleton(new ConversationSender.Sinch.ResilienceTime(pipelineClock)));
        Sinch.Script(FakeResponse.RateLimited(retryAfterSeconds: 2));

        var send = host.Get<SendService>().SendAsync(BinaryData.FromString(ShortMessage), CancellationToken.None);
        await Eventually.UntilAsync(() => Sinch.SendRequests.Count, n => n == 1, "the first attempt");

        // Move the pipeline's clock in small steps until the retry arrives: it may not come before 2 s have passed there.
        var advanced = await pipelineClock.AdvanceUntilAsync(() => Sinch.SendRequests.Count >= 2, TimeSpan.FromSeconds(10));

        Assert.IsType<SendOutcome.Accepted>(await send);
        Assert.Equal(2, Sinch.SendRequests.Count);
        Assert.True(advanced >= TimeSpan.FromSeconds(2), $"retried after {advanced.TotalMilliseconds} ms of the pipeline's time, before the 2 s Sinch asked for");
    }

    [Fact]
    public async Task Persistent_rate_limiting_ends_transient_after_the_configured_retries()
    {
        Sinch.DefaultSendResponse = FakeResponse.RateLimited(retryAfterSeconds: 0);

        var transient = Assert.IsType<SendOutcome.Transient>(await SendAsync(ShortMessage));

        Assert.Equal(HttpStatusCode.TooManyRequests, transient.UpstreamStatus);
        Assert.Equal(TimeSpan.Zero, transient.RetryAfter);
        Assert.Equal(3, Sinch.SendRequests.Count); // first try + Sinch:MaxRetries (2)
    }

    [Fact]
    public async Task A_retry_after_longer_than_we_wait_in_call_is_handed_back_to_the_caller()
    {
        Sinch.DefaultSendResponse = FakeResponse.RateLimited(retryAfterSeconds: 7);

        var transient = Assert.IsType<SendOutcome.Transient>(await SendAsync(ShortMessage));

        Assert.Equal(HttpStatusCode.TooManyRequests, transient.UpstreamStatus);
        Assert.Equal(TimeSpan.FromSeconds(7), transient.RetryAfter);
        Assert.Single(Sinch.SendRequests);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(501)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Server_errors_are_transient_and_not_retried_because_send_is_not_idempotent(int status)
    {
        Sinch.Script(FakeResponse.SinchError(status, "INTERNAL", "oops"));

        var transient = Assert.IsType<SendOutcome.Transient>(await SendAsync(ShortMessage));

        Assert.Equal((HttpStatusCode)status, transient.UpstreamStatus);
        Assert.Single(Sinch.SendRequests);
    }

    [Theory]
    [InlineData(409)]
    [InlineData(413)]
    [InlineData(422)]
    public async Task Other_client_errors_are_rejections(int status)
    {
        Sinch.Script(FakeResponse.SinchError(status, "FAILED_PRECONDITION", "no"));

        Assert.Equal((HttpStatusCode)status, Assert.IsType<SendOutcome.Rejected>(await SendAsync(ShortMessage)).UpstreamStatus);
    }

    [Fact]
    public async Task A_slow_answer_times_out_as_transient_without_a_retry()
    {
        Sinch.Script(FakeResponse.Slow(TimeSpan.FromSeconds(10)));
        await using var host = SenderHost.Create(new(SenderHost.SettingsFor(Sinch)) { ["Sinch:AttemptTimeout"] = "00:00:01" });

        var outcome = await host.Get<SendService>().SendAsync(BinaryData.FromString(ShortMessage), CancellationToken.None);

        var transient = Assert.IsType<SendOutcome.Transient>(outcome);
        Assert.Null(transient.UpstreamStatus);
        Assert.Contains("in time", transient.Reason);
        Assert.Single(Sinch.SendRequests);
    }

    [Fact]
    public async Task An_unreachable_sinch_is_transient()
    {
        var settings = SenderHost.SettingsFor(Sinch);
        settings["Sinch:ConversationBaseUrl"] = "http://127.0.0.1:9/"; // discard port: nothing listens
        settings["Sinch:AuthMode"] = "Basic";
        settings["Sinch:MaxRetries"] = "0";
        await using var host = SenderHost.Create(settings);

        var outcome = await host.Get<SendService>().SendAsync(BinaryData.FromString(ShortMessage), CancellationToken.None);

        Assert.Contains("could not be reached", Assert.IsType<SendOutcome.Transient>(outcome).Reason);
    }

    [Fact]
    public async Task Basic_mode_sends_the_key_on_each_request_and_never_asks_for_a_token()
    {
        await using var host = SenderHost.Create(new(SenderHost.SettingsFor(Sinch)) { ["Sinch:AuthMode"] = "Basic" });

        for (var i = 0; i < 3; i++)
        {
            Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(ShortMessage), CancellationToken.None));
        }

        Assert.Empty(Sinch.TokenRequests);
        Expect.All(Sinch.SendRequests, r => Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SinchSandbox.DefaultKeyId}:{Sinch.KeySecret}")), r.Authorization));
    }

    [Fact]
    public async Task A_refused_key_is_misconfiguration_that_names_the_settings_never_the_secret()
    {
        Sinch.KeySecret = "rotated-but-not-in-our-settings";

        var outcome = await SendAsync(ShortMessage);

        var misconfigured = Assert.IsType<SendOutcome.Misconfigured>(outcome);
        Assert.Contains("Sinch:KeySecret", misconfigured.SettingName);
        Assert.DoesNotContain("sandbox-key-secret", misconfigured.Reason);
        // Refused once: re-reading the (unchanged) settings does not ask the token endpoint again within the minute.
        Assert.Single(Sinch.TokenRequests);
        Assert.Empty(Sinch.SendRequests);
    }

    private const string ShortMessage = """{ "to": { "channel": "SMS", "identity": "+46700000001" }, "text": "hello" }""";
}
