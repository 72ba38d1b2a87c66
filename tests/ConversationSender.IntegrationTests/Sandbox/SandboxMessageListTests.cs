using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ConversationSender.Sending;
using ConversationSender.IntegrationTests.Infrastructure;

namespace ConversationSender.IntegrationTests.Sandbox;

/// <summary>The sandbox's message list and its one-message read: what a reconciler asks Sinch after an ambiguous send.</summary>
public sealed class SandboxMessageListTests : FreshSandboxTest
{
    [Fact]
    public async Task Taken_messages_are_listed_by_identity_and_time_in_pages()
    {
        await using var host = SenderHost.Create(SenderHost.SettingsFor(Sandbox));
        var sent = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var outcome = await host.Get<SendService>().SendAsync(BinaryData.FromString($$"""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "page {{i}}", "message_metadata": "m-{{i}}" }"""), CancellationToken.None);
            sent.Add(Assert.IsType<SendOutcome.Accepted>(outcome).MessageId!);
        }

        await host.Get<SendService>().SendAsync(BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46709999999" }, "text": "someone else" }"""), CancellationToken.None);

        var listed = new List<JsonNode>();
        string? token = "";
        do
        {
            var page = await ListAsync($"channel_identity=%2B46701234567&start_time={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"))}&page_size=2&page_token={token}");
            listed.AddRange(page["messages"]!.AsArray().Select(m => m!));
            token = page["next_page_token"]!.GetValue<string>();
        }
        while (token.Length > 0);

        // Newest first, as Sinch lists.
        Assert.Equal(Enumerable.Reverse(sent), listed.Select(m => m["id"]!.GetValue<string>()));
        Assert.Equal(["m-2", "m-1", "m-0"], listed.Select(m => m["metadata"]!.GetValue<string>()));
        Assert.Equal("page 1", listed[1]["app_message"]!["text_message"]!["text"]!.GetValue<string>());
        Assert.Equal(2, Sandbox.ListRequests.Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await ListResponseAsync("page_size=1001")).StatusCode);
    }

    [Fact]
    public async Task An_accepted_then_reset_send_is_listed_and_a_reset_before_processing_is_not()
    {
        await using var host = SenderHost.Create(SenderHost.SettingsFor(Sandbox));
        Sandbox.Script(FakeResponse.AcceptedThenReset(), FakeResponse.ResetBeforeAccepting());

        var taken = await host.Get<SendService>().SendAsync(BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701230001" }, "text": "taken" }"""), CancellationToken.None);
        var dropped = await host.Get<SendService>().SendAsync(BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701230002" }, "text": "dropped" }"""), CancellationToken.None);

        Assert.True(Assert.IsType<SendOutcome.Transient>(taken).MayHaveBeenSent);
        Assert.IsNotType<SendOutcome.Accepted>(dropped);
        Assert.Single((await ListAsync("channel_identity=%2B46701230001"))["messages"]!.AsArray());
        Assert.Empty((await ListAsync("channel_identity=%2B46701230002"))["messages"]!.AsArray());
    }

    [Fact]
    public async Task The_list_can_lag_behind_and_can_be_made_unavailable()
    {
        await using var host = SenderHost.Create(SenderHost.SettingsFor(Sandbox));
        Sandbox.Options.ListingDelay = TimeSpan.FromHours(1);
        await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None);

        Assert.Empty((await ListAsync(""))["messages"]!.AsArray());
        Sandbox.Options.ListingDelay = TimeSpan.Zero;
        Assert.Single((await ListAsync(""))["messages"]!.AsArray());

        Assert.Equal(HttpStatusCode.Accepted, (await Http.PostAsJsonAsync(new Uri(Sandbox.BaseUrl, "api/faults"), new { kind = "list_unavailable", count = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ListResponseAsync("")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ListResponseAsync("")).StatusCode);
    }

    [Fact]
    public async Task One_message_is_read_by_its_id_with_or_without_a_region_once_it_is_listed()
    {
        await using var host = SenderHost.Create(SenderHost.SettingsFor(Sandbox));
        Sandbox.Options.ListingDelay = TimeSpan.FromHours(1);
        var id = Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(
            BinaryData.FromString("""{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "one", "message_metadata": "m-1" }"""), CancellationToken.None)).MessageId!;

        Assert.Equal(HttpStatusCode.NotFound, (await GetMessageAsync($"v1/projects/{SenderHost.ProjectId}/messages/{id}")).Status);
        Sandbox.Options.ListingDelay = TimeSpan.Zero;
        foreach (var path in new[] { $"v1/projects/{SenderHost.ProjectId}/messages/{id}", $"eu/v1/projects/{SenderHost.ProjectId}/messages/{id}" })
        {
            var (status, body) = await GetMessageAsync(path);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal((id, "m-1", "one"), (body["id"]!.GetValue<string>(), body["metadata"]!.GetValue<string>(), body["app_message"]!["text_message"]!["text"]!.GetValue<string>()));
        }

        var (unknown, envelope) = await GetMessageAsync($"v1/projects/{SenderHost.ProjectId}/messages/01NOSUCHMESSAGE00000000000");
        Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND"), (unknown, envelope["error"]!["status"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await GetMessageAsync($"v1/projects/another-project/messages/{id}")).Status);
        using var anonymous = await Http.GetAsync(new Uri(Sandbox.BaseUrl, $"v1/projects/{SenderHost.ProjectId}/messages/{id}"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> GetMessageAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Sandbox.BaseUrl, path));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SinchSandbox.DefaultKeyId}:{Sandbox.KeySecret}")));
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private async Task<JsonNode> ListAsync(string query)
    {
        using var response = await ListResponseAsync(query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<HttpResponseMessage> ListResponseAsync(string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Sandbox.BaseUrl, $"v1/projects/{SenderHost.ProjectId}/messages?{query}"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SinchSandbox.DefaultKeyId}:{Sandbox.KeySecret}")));
        return await Http.SendAsync(request);
    }
}
