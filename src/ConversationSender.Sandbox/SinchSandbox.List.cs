using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConversationSender.Sandbox;

// The message list (API reference §8.1): what a reconciler searches to learn whether a send went through; and one
// message by its id.
public sealed partial class SinchSandbox
{
    private void MapListRoutes()
    {
        // The message list (API reference §8.1), with or without a region prefix.
        _app.MapGet("/v1/projects/{project}/messages", ListMessagesAsync);
        _app.MapGet("/{region}/v1/projects/{project}/messages", ListMessagesAsync);
        _app.MapGet("/v1/projects/{project}/messages/{id}", GetMessageAsync);
        _app.MapGet("/{region}/v1/projects/{project}/messages/{id}", GetMessageAsync);
    }

    /// <summary>Records a taken message for the list: the channel it went out on first, metadata and content as sent.</summary>
    private void Keep(string body, string id, DateTimeOffset acceptedAt)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var route = DeliveryRoute.Of(root, Options, _contacts);
        var first = route.Hops.Count > 0 ? route.Hops[0] : new RoutedIdentity("", "");
        string Read(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        _listed.Enqueue(new ListedMessage(
            id, acceptedAt, Read("app_id"), first.Channel, first.Identity, Read("message_metadata"),
            root.TryGetProperty("message", out var message) ? message.GetRawText() : "{}", route.ContactId, route.ConversationId, "TO_CONTACT", Options.ProcessingMode));
        _changes.Notify();
    }

    /// <summary>
    /// <c>GET /v1/projects/{project}/messages</c>, newest first: filters <c>app_id</c>, <c>channel</c>,
    /// <c>channel_identity</c>, <c>contact_id</c>, <c>conversation_id</c>, <c>direction</c>,
    /// <c>only_recipient_originated</c>, <c>messages_source</c> (see <see cref="SandboxOptions.ListBySource"/>),
    /// <c>start_time</c>/<c>end_time</c> (on accept time); <c>view</c>; pages of <c>page_size</c> (≤ 1000) with <c>page_token</c>.
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
            _changes.Notify();
            await WriteErrorAsync(context, 503, "UNAVAILABLE", "The message list is unavailable (injected).");
            return;
        }

        Interlocked.Exchange(ref _listFailures, 0);
        if (ListQuery.Read(context.Request.Query) is not { } query)
        {
            await WriteErrorAsync(context, 400, "INVALID_ARGUMENT", ListQuery.Problem(context.Request.Query));
            return;
        }

        var listedBefore = DateTimeOffset.UtcNow - Options.ListingDelay;
        var matching = _listed.Reverse()
            .Where(m => m.AcceptTime <= listedBefore && query.Matches(m, Options.ListBySource))
            .OrderByDescending(m => m.AcceptTime)
            .ToList();
        var page = matching.Skip(query.Offset).Take(query.PageSize).ToList();
        var messages = new JsonArray([.. page.Select(m => ToWire(m, query.WithMetadata))]);
        await SinchWire.WriteAsync(context, new JsonObject
        {
            ["messages"] = messages,
            ["next_page_token"] = query.Offset + page.Count < matching.Count ? (query.Offset + page.Count).ToString(CultureInfo.InvariantCulture) : "",
        });
    }

    /// <summary><c>GET /v1/projects/{project}/messages/{message_id}</c>: one stored message, with its metadata; 404 when none is listed under the id.</summary>
    private async Task GetMessageAsync(HttpContext context, string project, string id)
    {
        Record(context.Request, "");
        if (!await AuthenticateAsync(context))
        {
            return;
        }

        var listedBefore = DateTimeOffset.UtcNow - Options.ListingDelay;
        if ((Options.ProjectId.Length > 0 && project != Options.ProjectId)
            || _listed.FirstOrDefault(m => m.Id == id && m.AcceptTime <= listedBefore) is not { } message)
        {
            await WriteErrorAsync(context, 404, "NOT_FOUND", $"Message '{id}' not found.");
            return;
        }

        await SinchWire.WriteAsync(context, ToWire(message, withMetadata: true));
    }

    // A stored message as Sinch returns it (AppMessageResponse, or the contact's message for an inbound one).
    private static JsonObject ToWire(ListedMessage m, bool withMetadata)
    {
        var item = new JsonObject
        {
            ["id"] = m.Id,
            ["direction"] = m.Direction,
            ["channel_identity"] = new JsonObject { ["channel"] = m.Channel, ["identity"] = m.Identity, ["app_id"] = "" },
            ["accept_time"] = SinchWire.Timestamp(m.AcceptTime),
            [m.Direction == "TO_APP" ? "contact_message" : "app_message"] = JsonNode.Parse(m.AppMessageJson),
            ["contact_id"] = m.ContactId,
            ["conversation_id"] = m.ConversationId,
            ["processing_mode"] = m.ProcessingMode,
        };
        if (withMetadata)
        {
            item["metadata"] = m.Metadata;
        }

        return item;
    }
}
