namespace ConversationSender.Sinch;

public sealed class SendMessageResponse
{
    public string? MessageId { get; set; }

    /// <summary>Some Sinch answers omit it; callers must tolerate null.</summary>
    public DateTimeOffset? AcceptedTime { get; set; }
}
