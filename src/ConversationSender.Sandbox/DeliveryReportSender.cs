using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace ConversationSender.Sandbox;

/// <summary>
/// Posts signed <c>message_delivery_report</c> callbacks for accepted sends: QUEUED_ON_CHANNEL, then
/// DELIVERED, or FAILED for identities matching <see cref="SandboxOptions.FailingIdentityPattern"/>.
/// </summary>
internal sealed class DeliveryReportSender : IAsyncDisposable
{
    private readonly Channel<(CapturedMessage Message, string Url)> _work = Channel.CreateUnbounded<(CapturedMessage, string)>();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly SandboxOptions _options;
    private readonly Regex _failing;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();

    public DeliveryReportSender(SandboxOptions options)
    {
        _options = options;
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
        await PostAsync(message, url, "QUEUED_ON_CHANNEL", reason: null);
        await Task.Delay(_options.DeliveryReportDelay, _stop.Token);
        var fails = message.Identities.Any(_failing.IsMatch);
        await PostAsync(message, url, fails ? "FAILED" : "DELIVERED",
            fails ? new JsonObject { ["code"] = "RECIPIENT_NOT_REACHABLE", ["description"] = "The sandbox fails identities matching " + _options.FailingIdentityPattern, ["sub_code"] = "UNSPECIFIED_SUB_CODE" } : null);
    }

    private async Task PostAsync(CapturedMessage message, string url, string status, JsonObject? reason)
    {
        var now = DateTimeOffset.UtcNow;
        var report = new JsonObject
        {
            ["message_id"] = message.MessageId,
            ["conversation_id"] = "",
            ["status"] = status,
            ["channel_identity"] = new JsonObject { ["channel"] = message.Channels.Count > 0 ? message.Channels[0] : "", ["identity"] = message.Identities.Count > 0 ? message.Identities[0] : "", ["app_id"] = "" },
            ["contact_id"] = message.ContactId ?? "",
            ["metadata"] = message.MessageMetadata ?? "",
            ["processing_mode"] = "DISPATCH",
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
        message.DeliveryReports.Enqueue(new DeliveryReportRecord(status, now, url, answered));
    }
}
