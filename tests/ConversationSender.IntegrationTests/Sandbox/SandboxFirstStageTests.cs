using System.Net;
using System.Text.Json.Nodes;

namespace ConversationSender.IntegrationTests.Sandbox;

/// <summary>
/// The sandbox's first stage refuses what Sinch refuses, with Sinch's 400 envelope and the field at fault, and never
/// answers bad input with a 5xx; unknown routes answer in the same envelope.
/// </summary>
public sealed class SandboxFirstStageTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    public static TheoryData<string> HostileFields() => [.. HostileShapes.Cases().Select(c => c.Path)];

    [Fact]
    public async Task The_bases_of_the_hostile_table_are_accepted()
    {
        foreach (var body in HostileShapes.Bases)
        {
            using var response = await sandbox.SendAsync(body);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [MemberData(nameof(HostileFields))]
    public async Task A_wrong_json_type_in_any_field_is_a_400_in_sinchs_envelope(string field)
    {
        var (_, bodies) = HostileShapes.Cases().Single(c => c.Path == field);
        foreach (var body in bodies)
        {
            using var response = await sandbox.SendAsync(body);
            var answer = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} for {body}\n{answer}");
            var error = JsonNode.Parse(answer)!["error"]!;
            Assert.Equal("INVALID_ARGUMENT", error["status"]!.GetValue<string>());
            Assert.NotEmpty(error["details"]![0]!["field_violations"]!.AsArray());
        }
    }

    [Theory]
    [InlineData("\"ttl\": \"2s\"", "ttl")]
    [InlineData("\"ttl\": 600", "ttl")]
    [InlineData("\"conversation_metadata\": \"conversation metadata\"", "conversation_metadata")]
    [InlineData("\"callback_url\": \"not a url\"", "callback_url")]
    [InlineData("\"callback_url\": \"callback URL value\"", "callback_url")]
    [InlineData("\"channel_properties\": { \"SMS_SENDER\": 5 }", "channel_properties.SMS_SENDER")]
    [InlineData("\"channel_priority_order\": \"SMS\"", "channel_priority_order")]
    [InlineData("\"channel_priority_order\": [\"CHANNEL_UNSPECIFIED\"]", "channel_priority_order[0]")]
    public async Task Top_level_fields_sinch_refuses_are_refused(string field, string violation)
    {
        var violations = await ViolationsAsync($$"""{ "app_id": "{{sandbox.Sinch.Options.AppId}}", "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "+46701234567" } ] } }, "message": { "text_message": { "text": "hi" } }, {{field}} }""");

        Assert.Contains(violation, violations);
    }

    [Theory]
    [InlineData("""{ "location_message": { "coordinates": { "latitude": 500, "longitude": 0 }, "title": "t" } }""", "message.location_message.coordinates.latitude")]
    [InlineData("""{ "location_message": { "coordinates": { "latitude": 0, "longitude": -181 }, "title": "t" } }""", "message.location_message.coordinates.longitude")]
    [InlineData("""{ "media_message": { "url": "url" } }""", "message.media_message.url")]
    [InlineData("""{ "text_message": { "text": "a" }, "agent": { "display_name": "A", "type": "BOT", "picture_url": "picture_url value" } }""", "message.agent.picture_url")]
    [InlineData("""{ "carousel_message": { "cards": [ { "title": "a" } ], "choices": [ { "text_message": { "text": "1" } }, { "text_message": { "text": "2" } }, { "text_message": { "text": "3" } }, { "text_message": { "text": "4" } } ] } }""", "message.carousel_message.choices")]
    [InlineData("""{ "text_message": { "text": "a" }, "channel_specific_message": { "MESSENGER": { "message_type": "FLOWS", "message": { } } } }""", "message.channel_specific_message.MESSENGER.message_type")]
    [InlineData("""{ "choice_message": { "choices": [ { "url_message": { "title": "t", "url": "an url value" } } ] } }""", "message.choice_message.choices[0].url_message.url")]
    public async Task Messages_sinch_refuses_are_refused(string message, string violation)
    {
        var violations = await ViolationsAsync($$"""{ "app_id": "{{sandbox.Sinch.Options.AppId}}", "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "+46701234567" } ] } }, "message": {{message}} }""");

        Assert.Contains(violation, violations);
    }

    [Fact]
    public async Task A_contact_id_is_refused_in_dispatch_mode_and_taken_in_conversation_mode()
    {
        await using var dispatch = await SinchSandbox.StartAsync(configure: options => options.ProcessingMode = SandboxOptions.DispatchMode);
        var body = JsonNode.Parse($$"""{ "app_id": "{{sandbox.Sinch.Options.AppId}}", "recipient": { "contact_id": "01CONTACT" }, "message": { "text_message": { "text": "hi" } } }""")!;

        var refused = StageOneValidator.Check(System.Text.Json.JsonDocument.Parse(body.ToJsonString()).RootElement, dispatch.Options);
        using var taken = await sandbox.SendAsync(body.ToJsonString());

        Assert.Contains(refused, v => v.Field == "recipient.contact_id" && v.Description.Contains("DISPATCH", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
    }

    [Theory]
    [InlineData("GET", "v1/projects/sandbox-project/nothing")]
    [InlineData("POST", "v2/anything")]
    [InlineData("GET", "v1/projects/sandbox-project/messages:send")]
    public async Task Unknown_routes_answer_404_in_sinchs_envelope(string method, string path)
    {
        using var response = await sandbox.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal((404, "NOT_FOUND"), (error["code"]!.GetValue<int>(), error["status"]!.GetValue<string>()));
    }

    private async Task<List<string>> ViolationsAsync(string body)
    {
        using var response = await sandbox.SendAsync(body);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, answer);
        return [.. JsonNode.Parse(answer)!["error"]!["details"]![0]!["field_violations"]!.AsArray().Select(v => v!["field"]!.GetValue<string>())];
    }
}
