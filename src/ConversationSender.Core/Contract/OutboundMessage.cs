using System.Text.Json;
using System.Text.Json.Serialization;
using ConversationSender.Sinch;

namespace ConversationSender.Contract;

/// <summary>
/// The one document both triggers accept: Sinch's <c>messages:send</c> body without what the service
/// fills in (<c>app_id</c>, the project id), or the short form <c>{"to":{channel,identity},"text"}</c>, whose <c>to</c> is one channel identity.
/// </summary>
public sealed class OutboundMessage
{
    public ChannelIdentity? To { get; set; }

    public string? Text { get; set; }

    public Recipient? Recipient { get; set; }

    public AppMessage? Message { get; set; }

    public string? CallbackUrl { get; set; }

    public IList<string>? ChannelPriorityOrder { get; set; }

    public IDictionary<string, string>? ChannelProperties { get; set; }

    public string? MessageMetadata { get; set; }

    public JsonElement? ConversationMetadata { get; set; }

    public string? Queue { get; set; }

    /// <summary>Seconds as a number (<c>600</c>) or in Sinch's form (<c>"600s"</c>).</summary>
    public JsonElement? Ttl { get; set; }

    public string? ProcessingStrategy { get; set; }

    public string? CorrelationId { get; set; }

    public string? ConversationMetadataUpdateStrategy { get; set; }

    public string? MessageContentType { get; set; }

    /// <summary>
    /// Ours, not Sinch's (never sent): a repeat with the same key within the retention window is answered
    /// with the first send's result instead of sending again. HTTP callers may use the Idempotency-Key header.
    /// </summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>
    /// Ours, never sent to Sinch as a field: the W3C trace context of whoever queued the message (the intake sets it),
    /// so that its send continues that trace.
    /// </summary>
    public string? Traceparent { get; set; }

    /// <summary>
    /// Ours, never sent to Sinch: for a queued send, the time (RFC 3339 with an offset) before which it is not sent,
    /// at most seven days ahead.
    /// </summary>
    public string? SendAt { get; set; }

    /// <summary>Fields this contract does not know; the validator rejects them by name.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? UnknownFields { get; set; }
}
