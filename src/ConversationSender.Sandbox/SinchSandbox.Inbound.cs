using System.Globalization;
using System.Text.Json.Nodes;

namespace ConversationSender.Sandbox;

// Replies "as the recipient": signed MESSAGE_INBOUND callbacks to the webhook.
public sealed partial class SinchSandbox
{
    private void MapInboundRoutes()
    {
        _app.MapPost("/api/inbound", async (HttpContext context) =>
        {
            var reply = await context.Request.ReadFromJsonAsync(SandboxJsonContext.Default.InboundReply);
            if (reply is null || string.IsNullOrWhiteSpace(Options.WebhookUrl))
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync("Send { channel, identity, text }, to a sandbox with a webhook URL (--Sandbox:WebhookUrl).");
                return;
            }

            var (messageId, webhookStatus) = await ReplyAsRecipientAsync(reply);
            context.Response.StatusCode = 202;
            await SinchWire.WriteAsync(context, new JsonObject { ["message_id"] = messageId, ["webhook_status"] = webhookStatus });
        });
        _app.MapPost("/consent-event", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var consent = new ConsentEvent { Channel = form["channel"].ToString(), Identity = form["identity"].ToString(), Kind = form["kind"].ToString() };
            if (consent.Problem() is null)
            {
                await EmitConsentEventAsync(consent);
            }

            return Results.Redirect("/", permanent: false);
        }).DisableAntiforgery();
        _app.MapPost("/inbound", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            await ReplyAsRecipientAsync(new InboundReply { Channel = form["channel"].ToString(), Identity = form["identity"].ToString(), Text = form["text"].ToString() });
            return Results.Redirect("/", permanent: false);
        }).DisableAntiforgery();
    }

    /// <summary>
    /// Sends a signed MESSAGE_INBOUND callback to the webhook, as Sinch does when a contact writes to the app.
    /// </summary>
    /// <returns>The inbound message's id and the webhook's HTTP status (null: unreachable or no webhook URL).</returns>
    public async Task<(string MessageId, int? WebhookStatus)> ReplyAsRecipientAsync(InboundReply reply, CancellationToken cancellationToken = default)
    {
        var now = DateTimeOffset.UtcNow;
        var id = Ulid.New(now);
        var conversationMode = Options.ProcessingMode == SandboxOptions.ConversationMode;
        var contact = conversationMode ? _contacts.ContactOf(reply.Channel, reply.Identity) : "";
        var conversation = conversationMode ? _contacts.ConversationOf(contact) : "";
        var content = new JsonObject { ["text_message"] = new JsonObject { ["text"] = reply.Text } };
        _listed.Enqueue(new ListedMessage(id, now, Options.AppId, reply.Channel, reply.Identity, "", SinchWire.Json(content), contact, conversation, "TO_APP", Options.ProcessingMode));
        _changes.Notify();
        var body = SinchWire.Json(new JsonObject
        {
            ["app_id"] = Options.AppId,
            ["project_id"] = Options.ProjectId,
            ["accepted_time"] = SinchWire.Timestamp(now),
            ["event_time"] = SinchWire.Timestamp(now),
            ["message"] = new JsonObject
            {
                ["id"] = id,
                ["direction"] = "TO_APP",
                ["channel_identity"] = new JsonObject { ["channel"] = reply.Channel, ["identity"] = reply.Identity, ["app_id"] = Options.AppId },
                ["contact_message"] = content.DeepClone(),
                ["conversation_id"] = conversation,
                ["contact_id"] = contact,
                ["metadata"] = "",
                ["accept_time"] = SinchWire.Timestamp(now),
                ["processing_mode"] = Options.ProcessingMode,
            },
            ["message_metadata"] = "",
            ["correlation_id"] = "",
        });
        var status = Options.WebhookUrl is { Length: > 0 } url ? await SignedCallback.PostAsync(_callbacks, url, Options.WebhookSecret, body, cancellationToken) : null;
        NoteKeyword(reply, now, status);
        return (id, status);
    }
}
