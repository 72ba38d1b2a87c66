namespace ConversationSender.Sinch;

/// <summary>A page of <c>GET /v1/projects/{project}/messages</c>.</summary>
public sealed class ListMessagesResponse
{
    public IList<ListedAppMessage>? Messages { get; set; }

    public string? NextPageToken { get; set; }
}
