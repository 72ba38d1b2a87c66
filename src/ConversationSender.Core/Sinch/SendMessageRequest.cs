using System.Text.Json;

namespace ConversationSender.Sinch;

/// <summary>The body of <c>POST /v1/projects/{project_id}/messages:send</c>: built once by the validator, then only
/// copied with <c>with</c> (callback URL, marker, <c>app_id</c>).</summary>
public sealed record SendMessageRequest
{
    public string? AppId { get; init; }

    public Recipient? Recipient { get; init; }

    public AppMessage? Message { get; init; }

    public string? CallbackUrl { get; init; }

    public IList<string>? ChannelPriorityOrder { get; init; }

    public IDictionary<string, string>? ChannelProperties { get; init; }

    public string? MessageMetadata { get; init; }

    public JsonElement? ConversationMetadata { get; init; }

    public string? Queue { get; init; }

    /// <summary>Seconds with an <c>s</c> suffix, e.g. <c>"600s"</c>.</summary>
    public string? Ttl { get; init; }

    public string? ProcessingStrategy { get; init; }

    public string? CorrelationId { get; init; }

    public string? ConversationMetadataUpdateStrategy { get; init; }

    public string? MessageContentType { get; init; }

    /// <summary>Names no recipient or text: a request must never reach a log line whole.</summary>
    public override string ToString() => nameof(SendMessageRequest);
}
