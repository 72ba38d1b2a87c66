using System.Text.Json.Nodes;

namespace ConversationSender.Sandbox;

// Consent as Sinch sees it: the state the page shows per identity, and Sinch-shaped OPT_OUT / OPT_IN callbacks.
public sealed partial class SinchSandbox
{
    /// <summary>What Sinch would know of each identity's consent, newest change first.</summary>
    public IReadOnlyList<ConsentState> Consent => _consent.All;

    private void MapConsentRoutes()
    {
        _app.MapGet("/api/consent", () => Results.Json(Consent, SandboxJsonContext.Default.IReadOnlyListConsentState));
        _app.MapPost("/api/consent-event", async (HttpContext context) =>
        {
            var request = await context.Request.ReadFromJsonAsync(SandboxJsonContext.Default.ConsentEvent);
            var problem = request is null ? "Send { channel, identity, kind }." : request.Problem();
            if (problem is null && string.IsNullOrWhiteSpace(Options.WebhookUrl))
            {
                problem = "The sandbox has no webhook URL (--Sandbox:WebhookUrl).";
            }

            if (problem is not null)
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync(problem);
                return;
            }

            var (requestId, webhookStatus) = await EmitConsentEventAsync(request!);
            context.Response.StatusCode = 202;
            await SinchWire.WriteAsync(context, new JsonObject { ["request_id"] = requestId, ["webhook_status"] = webhookStatus });
        });
    }

    /// <summary>
    /// Posts a signed <c>opt_out_notification</c> / <c>opt_in_notification</c> to the webhook, shaped as Sinch's (the
    /// .NET SDK's OptOutEvent.json): request_id, contact_id, channel, identity, status, processing_mode. A succeeded one
    /// changes the identity's state on the page.
    /// </summary>
    /// <returns>The notification's request_id and the webhook's HTTP status (null: unreachable or no webhook URL).</returns>
    public async Task<(string RequestId, int? WebhookStatus)> EmitConsentEventAsync(ConsentEvent consent, CancellationToken cancellationToken = default)
    {
        if (consent.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(consent));
        }

        var now = DateTimeOffset.UtcNow;
        var requestId = consent.RequestId is { Length: > 0 } given ? given : Ulid.New(now);
        var status = consent.Status ?? consent.Kind + "_SUCCEEDED";
        var payload = consent.Kind == "OPT_OUT" ? "opt_out_notification" : "opt_in_notification";
        var contact = Options.ProcessingMode == SandboxOptions.ConversationMode ? _contacts.ContactOf(consent.Channel, consent.Identity) : "";
        var notification = new JsonObject
        {
            ["request_id"] = requestId,
            ["contact_id"] = contact,
            ["channel"] = consent.Channel,
            ["identity"] = consent.Identity,
            ["status"] = status,
            ["processing_mode"] = Options.ProcessingMode,
        };
        if (status.EndsWith("_FAILED", StringComparison.Ordinal))
        {
            notification["error_details"] = new JsonObject { ["description"] = "Emitted as failed by the sandbox" };
        }

        var body = SinchWire.Json(new JsonObject
        {
            ["app_id"] = Options.AppId,
            ["project_id"] = Options.ProjectId,
            ["accepted_time"] = SinchWire.Timestamp(now),
            ["event_time"] = SinchWire.Timestamp(now),
            [payload] = notification,
            ["message_metadata"] = "",
            ["correlation_id"] = "",
        });
        var answered = Options.WebhookUrl is { Length: > 0 } url ? await SignedCallback.PostAsync(_callbacks, url, Options.WebhookSecret, body, cancellationToken) : null;
        if (status.EndsWith("_SUCCEEDED", StringComparison.Ordinal))
        {
            _consent.Record(new ConsentState(consent.Channel, consent.Identity, consent.Kind == "OPT_OUT", now, payload, $"{status}, {Answer(answered)}"));
            _changes.Notify();
        }

        return (requestId, answered);
    }

    // A recipient's reply that is one of Sinch's consent keywords changes what Sinch would know of the identity.
    private void NoteKeyword(InboundReply reply, DateTimeOffset at, int? answered)
    {
        if (_keywords.OptsOut(reply.Text) is not { } optsOut)
        {
            return;
        }

        _consent.Record(new ConsentState(reply.Channel, reply.Identity, optsOut, at, "keyword", $"{ConsentKeywords.Normalise(reply.Text)}, {Answer(answered)}"));
        _changes.Notify();
    }

    private static string Answer(int? status) => status is { } s ? $"webhook {s}" : "webhook unreachable";
}
