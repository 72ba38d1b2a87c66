using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConversationSender.Sandbox;

/// <summary>The sandbox's pages, rendered on the server: no script, so they work in any browser and in tests.</summary>
internal static class SandboxPage
{
    private const string Style = """
        body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #1d2430; }
        h1 { font-size: 1.3rem; } table { border-collapse: collapse; width: 100%; }
        th, td { border-bottom: 1px solid #dde3ea; padding: .4rem .5rem; text-align: left; vertical-align: top; }
        th { background: #f3f6f9; } td.text { max-width: 28rem; } code, pre { font: 12px ui-monospace, monospace; }
        pre { background: #f3f6f9; padding: .8rem; overflow-x: auto; } .bad { color: #b3261e; } .ok { color: #1e7d32; }
        form { display: inline-block; margin: .3rem 1rem .8rem 0; } .muted { color: #66707c; }
        """;

    private static readonly string[] ReplyChannels = ["SMS", "WHATSAPP", "RCS", "MESSENGER", "VIBER", "TELEGRAM"];

    // Enough of the list to see what a reconciler would find; the API pages through all of it.
    private const int ListedShown = 50;

    public static string List(IReadOnlyList<CapturedMessage> messages, IReadOnlyList<ListedMessage> listed, IReadOnlyList<string> pendingFaults, Uri baseUrl)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
            <title>Sinch sandbox</title><style>{Style}</style></head><body>
            <h1>Sinch sandbox <span class="muted">— {messages.Count} captured</span></h1>
            <p class="muted">Conversation API at <code>{Encode(baseUrl.ToString())}</code> (regions by path: <code>/eu/v1/…</code>). Nothing leaves this machine.</p>
            <form method="post" action="/faults">Next
              <input name="count" type="number" value="1" min="1" max="1000" style="width:4rem"> sends answer
              <select name="kind">{string.Concat(FaultSwitch.Kinds.Select(k => $"<option>{k}</option>"))}</select>
              delay ms <input name="delay_ms" type="number" value="2000" style="width:5rem">
              <button>Inject</button></form>
            <form method="post" action="/clear"><button>Clear</button></form>
            <form method="post" action="/inbound">Reply as the recipient:
              <select name="channel">{string.Concat(ReplyChannels.Select(c => $"<option>{c}</option>"))}</select>
              <input name="identity" placeholder="+46701234567" style="width:9rem"> <input name="text" placeholder="Yes, confirm" style="width:14rem">
              <button>Send to the webhook</button></form>
            <span class="muted">Pending faults: {(pendingFaults.Count == 0 ? "none" : Encode(string.Join(", ", pendingFaults)))}</span>
            <table id="captured"><thead><tr><th>Time (UTC)</th><th>Channel</th><th>Identity</th><th>Kind</th><th>Text / content</th><th>Correlation id</th><th>Message id</th><th>Outcome</th></tr></thead><tbody>
            """);
        foreach (var m in messages)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr class="message"><td>{m.ReceivedAt:HH:mm:ss.fff}</td><td class="channel">{Encode(string.Join(" → ", m.Channels))}</td>
                <td class="identity">{Encode(m.ContactId is null ? string.Join(", ", m.Identities) : "contact " + m.ContactId)}</td>
                <td class="kind">{Encode(m.Kind)}</td><td class="text">{Encode(m.Text ?? Compact(m.RequestBody))}</td>
                <td>{Encode(m.CorrelationId ?? "")}</td><td><a href="/messages/{Encode(m.Id)}">{Encode(m.MessageId ?? "—")}</a></td>
                <td class="{(m.Outcome == "accepted" ? "ok" : "bad")}">{Encode(m.Outcome)}{Reports(m)}</td></tr>
                """);
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            </tbody></table>
            <h2>Message list <span class="muted">— {listed.Count} taken</span></h2>
            <p class="muted">What <code>GET /v1/projects/…/messages</code> returns, and a sender searches to reconcile an ambiguous send (newest {ListedShown} shown).</p>
            <table id="listed"><thead><tr><th>Accept time (UTC)</th><th>Message id</th><th>Channel</th><th>Identity</th><th>Metadata</th></tr></thead><tbody>
            """);
        foreach (var m in listed.Reverse().Take(ListedShown))
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr class="listed"><td>{m.AcceptTime:HH:mm:ss.fff}</td><td class="id">{Encode(m.Id)}</td><td>{Encode(m.Channel)}</td>
                <td>{Encode(m.Identity)}</td><td class="metadata"><code>{Encode(m.Metadata)}</code></td></tr>
                """);
        }

        html.Append("</tbody></table></body></html>");
        return html.ToString();
    }

    public static string Detail(CapturedMessage m)
    {
        var headers = string.Join("\n", m.RequestHeaders.Select(h => $"{h.Key}: {h.Value}"));
        return $"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Send {Encode(m.Id)}</title><style>{Style}</style></head><body>
            <p><a href="/">← all messages</a></p><h1>{Encode(m.Kind)} to {Encode(string.Join(", ", m.Identities))}</h1>
            <p>Received {m.ReceivedAt:O} in region <code>{Encode(m.Region)}</code>, project <code>{Encode(m.ProjectId)}</code>; outcome <b>{Encode(m.Outcome)}</b>, message id <code>{Encode(m.MessageId ?? "—")}</code>.</p>
            <h2>Request headers</h2><pre>{Encode(headers)}</pre>
            <h2>Request body, as received</h2><pre id="body">{Encode(Pretty(m.RequestBody))}</pre>
            <h2>Delivery reports</h2><pre>{Encode(string.Join("\n", m.DeliveryReports.Select(r => $"{r.SentAt:HH:mm:ss.fff} {r.Status} → {r.Url} ({r.WebhookStatus?.ToString(CultureInfo.InvariantCulture) ?? "unreachable"})")))}</pre>
            </body></html>
            """;
    }

    private static string Reports(CapturedMessage m) =>
        m.DeliveryReports.IsEmpty ? "" : "<br><span class=\"muted\">" + Encode(string.Join(", ", m.DeliveryReports.Select(r => r.Status))) + "</span>";

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

    private static string Compact(string json)
    {
        try
        {
            var message = JsonNode.Parse(json)?["message"]?.ToJsonString() ?? json;
            return message.Length <= 160 ? message : message[..160] + "…";
        }
        catch (JsonException)
        {
            return json.Length <= 160 ? json : json[..160] + "…";
        }
    }

    private static string Pretty(string json)
    {
        try
        {
            return JsonNode.Parse(json)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? json;
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
