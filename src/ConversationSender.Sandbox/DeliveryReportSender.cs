using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace ConversationSender.Sandbox;

/// <summary>
/// Posts signed <c>message_delivery_report</c> callbacks for accepted sends, channel by channel along the message's
/// <see cref="DeliveryRoute"/> (API reference §7.1): QUEUED_ON_CHANNEL, then DELIVERED; on a channel that is down or
/// an identity matching <see cref="SandboxOptions.FailingIdentityPattern"/>, SWITCHING_CHANNEL and the next channel,
/// or FAILED when none is left.
/// </summary>
internal sealed class DeliveryReportSender : IAsyncDisposable
{
    private readonly Channel<(CapturedMessage Message, string Url)> _work = Channel.CreateUnbounded<(CapturedMessage, string)>();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly SandboxOptions _options;
    private readonly Regex _failing;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, bool> _channelDown;

    public DeliveryReportSender(SandboxOptions options, Func<string, bool> channelDown)
    {
        _options = options;
        _channelDown = channelDown;
        _failing = new Regex(options.FailingIdentityPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        _loop = Task.Run(RunAsync);
    }

    public void Enqueue(CapturedMessage message, string url) => _work.Writer.TryWrite((message, url));

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        await foreach (var (message, url) in _work.Reader.ReadAllAsync(_stop.Token))
        {
            // Reports of different messages interleave, as Sinch's do; one message's stay in order.
            _ = Task.Run(() => ReportAsync(message, url), _stop.Token);
        }
    }

    private async Task ReportAsync(CapturedMessage message, string url)
    {
        var hops = message.Route?.Hops ?? [];
        if (hops.Count == 0)
        {
            hops = [new RoutedIdentity("", "")];
        }

        for (var i = 0; i < hops.Count; i++)
        {
            var hop = hops[i];
            await PostAsync(message, url, hop, "QUEUED_ON_CHANNEL", reason: null);
            await Task.Delay(_options.DeliveryReportDelay, _stop.Token);
            var reason = _channelDown(hop.Channel) ? Reason("CHANNEL_FAILURE", $"{hop.Channel} is down (sandbox fault switch)")
                : _failing.IsMatch(hop.Identity) ? Reason("RECIPIENT_NOT_REACHABLE", "The sandbox fails identities matching " + _options.FailingIdentityPattern)
                : null;
            if (reason is null)
            {
                await PostAsync(message, url, hop, "DELIVERED", reason: null);
                return;
            }

            await PostAsync(message, url, hop, i < hops.Count - 1 ? "SWITCHING_CHANNEL" : "FAILED", reason);
        }
    }

    private static JsonObject Reason(string code, string description) =>
        new() { ["code"] = code, ["description"] = description, ["sub_code"] = "UNSPECIFIED_SUB_CODE" };

    private async Task PostAsync(CapturedMessage message, string url, RoutedIdentity hop, string status, JsonObject? reason)
    {
        var now = DateTimeOffset.UtcNow;
        var report = new JsonObject
        {
            ["message_id"] = message.MessageId,
            ["conversation_id"] = message.Route?.ConversationId ?? "",
            ["status"] = status,
            ["channel_identity"] = new JsonObject { ["channel"] = hop.Channel, ["identity"] = hop.Identity, ["app_id"] = "" },
            ["contact_id"] = message.ContactId ?? "",
            ["metadata"] = message.MessageMetadata ?? "",
            ["processing_mode"] = _options.ProcessingMode,
        };
        if (reason is not null)
        {
            report["reason"] = reason;
        }

        var body = SinchWire.Json(new JsonObject
        {
            ["app_id"] = message.AppId ?? "",
            ["project_id"] = message.ProjectId,
            ["accepted_time"] = SinchWire.Timestamp(message.ReceivedAt),
            ["event_time"] = SinchWire.Timestamp(now),
            ["message_metadata"] = "",
            ["correlation_id"] = message.CorrelationId ?? "",
            ["message_delivery_report"] = report,
        });

        var answered = await SignedCallback.PostAsync(_http, url, _options.WebhookSecret, body, _stop.Token);
        message.DeliveryReports.Enqueue(new DeliveryReportRecord(status, now, url, answered, hop.Channel));
    }
}
