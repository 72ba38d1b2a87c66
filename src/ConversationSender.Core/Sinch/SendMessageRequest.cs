using System.Text.Json;

namespace ConversationSender.Sinch;

/// <summary>The body of <c>POST /v1/projects/{project_id}/messages:send</c>.</summary>
public sealed class SendMessageRequest
{
    public string? AppId { get; set; }

    public Recipient? Recipient { get; set; }

    public AppMessage? Message { get; set; }

    public string? CallbackUrl { get; set; }

    public IList<string>? ChannelPriorityOrder { get; set; }

    public IDictionary<string, string>? ChannelProperties { get; set; }

    public string? MessageMetadata { get; set; }

    public JsonElement? ConversationMetadata { get; set; }

    public string? Queue { get; set; }

    /// <summary>Seconds with an <c>s</c> suffix, e.g. <c>"600s"</c>.</summary>
    public string? Ttl { get; set; }

    public string? ProcessingStrategy { get; set; }

    public string? CorrelationId { get; set; }

    public string? ConversationMetadataUpdateStrategy { get; set; }

    public string? MessageContentType { get; set; }
}
