using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConversationSender.Sandbox;

// The message list (API reference §8.1): what a reconciler searches to learn whether a send went through.
public sealed partial class SinchSandbox
{
    private void MapListRoutes()
    {
        // The message list (API reference §8.1), with or without a region prefix.
        _app.MapGet("/v1/projects/{project}/messages", ListMessagesAsync);
        _app.MapGet("/{region}/v1/projects/{project}/messages", ListMessagesAsync);
    }


    /// <summary>Records a taken message for the list: its first channel identity, metadata and content as sent.</summary>
    private void Keep(string body, string id, DateTimeOffset acceptedAt)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var identity = root.TryGetProperty("recipient", out var recipient) && recipient.TryGetProperty("identified_by", out var by)
            && by.TryGetProperty("channel_identities", out var list) && list.GetArrayLength() > 0 ? list[0] : default;
        string Read(JsonElement parent, string name) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        _listed.Enqueue(new ListedMessage(
            id, acceptedAt, Read(root, "app_id"), Read(identity, "channel"), Read(identity, "identity"), Read(root, "message_metadata"),
            root.TryGetProperty("message", out var message) ? message.GetRawText() : "{}"));
    }

    /// <summary>
    /// <c>GET /v1/projects/{project}/messages</c>: filters <c>app_id</c>, <c>channel</c>, <c>channel_identity</c>,
    /// <c>start_time</c>/<c>end_time</c> (on accept time), pages of <c>page_size</c> (≤ 1000) with <c>page_token</c>.
    /// </summary>
    private async Task ListMessagesAsync(HttpContext context, string project)
    {
        Record(context.Request, "");
        ListRequests.Enqueue(context.Request.QueryString.Value ?? "");
        if (!await AuthenticateAsync(context))
        {
            return;
        }

        if (Options.ProjectId.Length > 0 && project != Options.ProjectId)
        {
            await WriteErrorAsync(context, 404, "NOT_FOUND", $"Project '{project}' not found.");
            return;
        }

        if (Interlocked.Decrement(ref _listFailures) >= 0)
        {
            await WriteErrorAsync(context, 503, "UNAVAILABLE", "The message list is unavailable (injected).");
            return;
        }

        Interlocked.Exchange(ref _listFailures, 0);
        var query = context.Request.Query;
        var pageSize = int.TryParse(query["page_size"], CultureInfo.InvariantCulture, out var size) ? size : 10;
        if (pageSize is < 1 or > 1000)
        {
            await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", "page_size must be between 1 and 1000.");
            return;
        }

        DateTimeOffset? Time(string name) => DateTimeOffset.TryParse(query[name], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;
        var (start, end) = (Time("start_time"), Time("end_time"));
        var listedBefore = DateTimeOffset.UtcNow - Options.ListingDelay;
        var matching = _listed
            .Where(m => m.AcceptTime <= listedBefore)
            .Where(m => string.IsNullOrEmpty(query["app_id"]) || m.AppId == query["app_id"])
            .Where(m => string.IsNullOrEmpty(query["channel"]) || m.Channel == query["channel"])
            .Where(m => string.IsNullOrEmpty(query["channel_identity"]) || m.Identity == query["channel_identity"])
            .Where(m => (start is null || m.AcceptTime >= start) && (end is null || m.AcceptTime <= end))
            .ToList();
        var offset = int.TryParse(query["page_token"], CultureInfo.InvariantCulture, out var token) ? token : 0;
        var page = matching.Skip(offset).Take(pageSize).ToList();
        var messages = new JsonArray();
        foreach (var m in page)
        {
            messages.Add(new JsonObject
            {
                ["id"] = m.Id,
                ["direction"] = "TO_CONTACT",
                ["channel_identity"] = new JsonObject { ["channel"] = m.Channel, ["identity"] = m.Identity, ["app_id"] = "" },
                ["accept_time"] = SinchWire.Timestamp(m.AcceptTime),
                ["app_message"] = JsonNode.Parse(m.AppMessageJson),
                ["metadata"] = m.Metadata,
                ["contact_id"] = "",
                ["conversation_id"] = "",
                ["processing_mode"] = "DISPATCH",
            });
        }

        await SinchWire.WriteAsync(context, new JsonObject
        {
            ["messages"] = messages,
            ["next_page_token"] = offset + page.Count < matching.Count ? (offset + page.Count).ToString(CultureInfo.InvariantCulture) : "",
        });
    }
}
