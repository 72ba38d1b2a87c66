using ConversationSender.Functions;
using ConversationSender.Functions.Http;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Functions;

/// <summary>The HTTP function built from the app's DI, with a real <see cref="DefaultHttpContext"/> request and response.</summary>
public sealed class SendMessageHttpFunctionTests : SandboxedSenderTest
{
    [Fact]
    public async Task Accepted_message_answers_200_with_message_id_and_accepted_time()
    {
        var response = await PostAsync("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "Your code is 123456" }""");

        Assert.Equal(200, response.Status);
        Assert.Equal("application/json", response.ContentType);
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{26}$", response.Json.GetProperty("message_id").GetString());
        Assert.True(response.Json.GetProperty("accepted_time").TryGetDateTimeOffset(out _));
        Assert.Single(Sinch.SendRequests);
    }

    [Fact]
    public async Task Accepted_time_is_written_as_Sinch_writes_it_UTC_to_the_millisecond()
    {
        var response = await PostAsync("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hi" }""");

        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", response.Json.GetProperty("accepted_time").GetString());
    }

    [Fact]
    public async Task Problem_bodies_are_unescaped_and_carry_a_trace_id()
    {
        // An apostrophe in the field error (unknown channel 'SMSS').
        var response = await PostAsync("""{ "to": { "channel": "SMSS", "identity": "+46701234567" }, "text": "hi" }""");

        Assert.Equal(400, response.Status);
        Assert.Contains("unknown channel 'SMSS'", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", response.Body, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(response.Json.GetProperty("trace_id").GetString()));
    }

    [Theory]
    [InlineData("{ \"to\": ", "$", "not valid JSON")]
    [InlineData("", "$", "empty")]
    [InlineData("[1, 2]", "$", "wrong type")]
    [InlineData("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": 42 }""", "text", "wrong type")]
    [InlineData("""{ "to": { "channel": "SMS" }, "text": "hi" }""", "to.identity", "is required")]
    [InlineData("""{ "to": { "channel": "SMSS", "identity": "+46701234567" }, "text": "hi" }""", "to.channel", "unknown channel 'SMSS'; expected one of WHATSAPP")]
    [InlineData("""{ "recipient": { "identified_by": { "channel_identities": [ { "channel": "FAX", "identity": "1" } ] } }, "message": { "text_message": { "text": "hi" } } }""", "recipient.identified_by.channel_identities[0].channel", "unknown channel 'FAX'")]
    [InlineData("""{ "recipient": { "contact_id": "c1" } }""", "message", "is required")]
    [InlineData("""{ "to": { "channel": "SMS", "identity": "+4670" }, "text": "hi", "app_id": "x" }""", "app_id", "filled in by the service")]
    [InlineData("""{ "to": { "channel": "SMS", "identity": "+4670", "fax": 1 }, "text": "hi" }""", "to.fax", "unknown field")]
    [InlineData("""{ "to": { "channel": "SMS", "identity": "+4670" }, "text": "hi", "ttl": "soon" }""", "ttl", "whole seconds")]
    public async Task Bad_input_answers_400_problem_details_naming_the_field(string body, string field, string message)
    {
        var response = await PostAsync(body);

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal(ProblemTypes.InvalidMessage, response.Json.GetProperty("type").GetString());
        Assert.Equal(400, response.Json.GetProperty("status").GetInt32());
        var errors = response.Json.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for '{field}' in {errors}");
        Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains(message, StringComparison.Ordinal));
        Assert.Empty(Sinch.Requests);
    }

    [Fact]
    public async Task Errors_never_echo_the_identity_or_text()
    {
        var response = await PostAsync("""{ "to": { "channel": "NOPE", "identity": "+46709998877" }, "text": "secret code 424242", "extra": "x" }""");

        Assert.Equal(400, response.Status);
        Assert.DoesNotContain("+46709998877", response.Body);
        Assert.DoesNotContain("424242", response.Body);
    }

    [Fact]
    public async Task Sinch_rejection_answers_422_with_sinchs_status_and_field_violations()
    {
        Sinch.Script(FakeResponse.SinchError(400, "INVALID_ARGUMENT", "Invalid argument", ("message.text_message.text", "too long")));

        var response = await PostAsync(ValidMessage);

        Assert.Equal(422, response.Status);
        Assert.Equal(ProblemTypes.RejectedBySinch, response.Json.GetProperty("type").GetString());
        Assert.Equal(400, response.Json.GetProperty("upstream_status").GetInt32());
        Assert.Equal("INVALID_ARGUMENT", response.Json.GetProperty("sinch_status").GetString());
        Assert.Equal("too long", response.Json.GetProperty("errors").GetProperty("message.text_message.text")[0].GetString());
    }

    [Fact]
    public async Task A_redirect_from_sinch_is_not_followed_the_message_is_not_posted_again()
    {
        // To the sandbox itself: were it followed, the sandbox would see a second send.
        Sinch.Script(new FakeResponse(307) { Headers = { ["Location"] = Sinch.BaseUrl + "v1/projects/elsewhere/messages:send" }, Label = "307" });

        var response = await PostAsync(ValidMessage);

        Assert.Equal(422, response.Status);
        Assert.Equal(ProblemTypes.RejectedBySinch, response.Json.GetProperty("type").GetString());
        Assert.Equal(307, response.Json.GetProperty("upstream_status").GetInt32());
        Assert.Single(Sinch.SendRequests);
    }

    [Fact]
    public async Task Rate_limited_by_sinch_answers_429_with_sinchs_retry_after()
    {
        Sinch.DefaultSendResponse = FakeResponse.RateLimited(retryAfterSeconds: 30);

        var response = await PostAsync(ValidMessage);

        Assert.Equal(429, response.Status);
        Assert.Equal("30", response.Header("Retry-After"));
        Assert.Equal(ProblemTypes.RateLimited, response.Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Sinch_unavailable_answers_503_with_retry_after_when_sinch_gave_one()
    {
        Sinch.DefaultSendResponse = FakeResponse.Unavailable(retryAfterSeconds: 20);

        var response = await PostAsync(ValidMessage);

        Assert.Equal(503, response.Status);
        Assert.Equal("20", response.Header("Retry-After"));
        Assert.Equal(503, response.Json.GetProperty("upstream_status").GetInt32());
    }

    [Fact]
    public async Task Sinch_server_error_answers_503_without_retry_after()
    {
        Sinch.DefaultSendResponse = FakeResponse.SinchError(500, "INTERNAL", "boom");

        var response = await PostAsync(ValidMessage);

        Assert.Equal(503, response.Status);
        Assert.Null(response.Header("Retry-After"));
        Assert.Equal(ProblemTypes.Unavailable, response.Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Refused_access_key_answers_502_naming_the_setting_never_the_secret()
    {
        var configuredSecret = Sinch.KeySecret;
        Sinch.KeySecret = "something-else";

        var response = await PostAsync(ValidMessage);

        Assert.Equal(502, response.Status);
        Assert.Equal(ProblemTypes.Misconfigured, response.Json.GetProperty("type").GetString());
        Assert.Contains("Sinch:KeySecret", response.Json.GetProperty("setting").GetString());
        Assert.DoesNotContain(configuredSecret, response.Body);
        Assert.DoesNotContain(configuredSecret, string.Join("\n", Host.Logs.Lines));
    }

    [Fact]
    public async Task Non_json_content_type_answers_415()
    {
        var response = await PostAsync(ValidMessage, "text/plain");

        Assert.Equal(415, response.Status);
        Assert.Empty(Sinch.Requests);
    }

    [Fact]
    public async Task Json_with_charset_and_problem_style_types_are_accepted()
    {
        Assert.Equal(200, (await PostAsync(ValidMessage, "application/json; charset=utf-8")).Status);
        Assert.Equal(200, (await PostAsync(ValidMessage, "application/vnd.sender+json")).Status);
    }

    [Fact]
    public async Task Oversized_body_answers_413_without_reading_it_all()
    {
        var body = $$"""{ "to": { "channel": "SMS", "identity": "+4670" }, "text": "{{new string('x', SendMessageHttpFunction.MaxBodyBytes)}}" }""";

        var response = await PostAsync(body, withContentLength: false);

        Assert.Equal(413, response.Status);
        Assert.Empty(Sinch.Requests);
    }

    [Fact]
    public void The_trigger_is_post_api_messages_with_a_function_key()
    {
        var method = typeof(SendMessageHttpFunction).GetMethod(nameof(SendMessageHttpFunction.RunAsync))!;
        var trigger = method.GetParameters()[0].GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.HttpTriggerAttribute), false)
            .Cast<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>().Single();

        Assert.Equal(Microsoft.Azure.Functions.Worker.AuthorizationLevel.Function, trigger.AuthLevel);
        Assert.Equal(["post"], trigger.Methods!);
        Assert.Equal("messages", trigger.Route);
    }

    private const string ValidMessage = """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hello" }""";

    private async Task<HttpAnswer> PostAsync(string body, string? contentType = "application/json", bool withContentLength = true)
    {
        var context = HttpInvoker.Request(Host, body, contentType: contentType, withContentLength: withContentLength);
        return await HttpInvoker.ExecuteAsync(context, await Host.CreateFunction<SendMessageHttpFunction>().RunAsync(context.Request, CancellationToken.None));
    }
}
