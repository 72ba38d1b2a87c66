using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace ConversationSender.IntegrationTests.Sandbox;

/// <summary>What a client of Sinch can see, as the sandbox shows it: tokens, the token form, the message list's filters.</summary>
public sealed class SandboxSinchBehaviourTests : IAsyncLifetime
{
    private SinchSandbox _sinch = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _sinch = await SinchSandbox.StartAsync(configure: options => options.TokenLifetimeSeconds = 900);
        _http = new HttpClient { BaseAddress = _sinch.BaseUrl };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_sinch.Options.KeyId}:{_sinch.Options.KeySecret}")));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sinch.DisposeAsync();
    }

    [Fact]
    public async Task Tokens_are_jwts_whose_exp_is_their_lifetime_and_the_form_may_carry_a_scope()
    {
        using var response = await _http.PostAsync("oauth2/token", new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", "")]));
        var token = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        var parts = token.Split('.');
        var claims = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[1]))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, parts.Length);
        Assert.StartsWith(SandboxToken.Prefix, token, StringComparison.Ordinal);
        Assert.Equal(900, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("grant_type=password", "unsupported_grant_type")]
    [InlineData("scope=x", "invalid_request")]
    public async Task A_token_form_without_client_credentials_is_a_400(string form, string error)
    {
        using var response = await _http.PostAsync("oauth2/token", new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_list_filters_by_direction_contact_and_conversation_and_can_leave_out_metadata()
    {
        const string body = """{ "app_id": "01SANDBOXAPP00000000000001", "recipient": { "identified_by": { "channel_identities": [ { "channel": "SMS", "identity": "+46701234567" } ] } }, "message": { "text_message": { "text": "hi" } }, "message_metadata": "m" }""";
        using (var sent = await _http.PostAsync($"v1/projects/{_sinch.Options.ProjectId}/messages:send", new StringContent(body, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        await _sinch.ReplyAsRecipientAsync(new InboundReply { Channel = "SMS", Identity = "+46701234567", Text = "a reply" });
        var all = await ListAsync("");
        var contact = all[0]!["contact_id"]!.GetValue<string>();

        Assert.Equal(["TO_APP", "TO_CONTACT"], all.Select(m => m!["direction"]!.GetValue<string>()));
        Assert.Equal(contact, all[1]!["contact_id"]!.GetValue<string>());
        Assert.Equal(all[0]!["conversation_id"]!.GetValue<string>(), all[1]!["conversation_id"]!.GetValue<string>());
        Assert.Equal("a reply", Assert.Single(await ListAsync("direction=TO_APP"))!["contact_message"]!["text_message"]!["text"]!.GetValue<string>());
        Assert.Single(await ListAsync("only_recipient_originated=true"));
        Assert.Equal(2, (await ListAsync($"contact_id={contact}")).Count);
        Assert.Empty(await ListAsync("contact_id=01SOMEONEELSE"));
        Assert.All(await ListAsync("view=WITHOUT_METADATA"), m => Assert.Null(m!["metadata"]));
        Assert.Equal("m", all[1]!["metadata"]!.GetValue<string>());
        Assert.EndsWith("Z", all[1]!["accept_time"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("direction=SIDEWAYS")]
    [InlineData("messages_source=ALL")]
    [InlineData("only_recipient_originated=maybe")]
    [InlineData("page_token=abc")]
    public async Task A_list_query_sinch_would_not_parse_is_a_400(string query)
    {
        using var response = await _http.GetAsync($"v1/projects/{_sinch.Options.ProjectId}/messages?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_ARGUMENT", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["status"]!.GetValue<string>());
    }

    private async Task<JsonArray> ListAsync(string query) =>
        JsonNode.Parse(await _http.GetStringAsync($"v1/projects/{_sinch.Options.ProjectId}/messages?{query}"))!["messages"]!.AsArray();
}
