using System.Diagnostics;

namespace ConversationSender.Telemetry;

/// <summary>
/// The sender's activities (source <see cref="SourceName"/>), exported with the app's OpenTelemetry. A queued message
/// carries the trace context it was queued under, so its send (and the HTTP call to Sinch, which propagates it in
/// <c>traceparent</c>) continues the trace of the request that queued it.
/// </summary>
public static class SenderTracing
{
    public const string SourceName = "ConversationSender";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A send, as a child of the trace the message carries (a queued one), else of the current activity.</summary>
    public static Activity? StartSend(string? traceparent) =>
        traceparent is not null && ActivityContext.TryParse(traceparent, null, out var parent)
            ? Source.StartActivity("send message", ActivityKind.Internal, parent)
            : Source.StartActivity("send message", ActivityKind.Internal);

    /// <summary>The current trace context in W3C form, for a message about to be queued; null outside any trace.</summary>
    public static string? CurrentTraceparent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
}
