namespace ConversationSender.Sinch;

/// <summary>The wrapped shape; <see cref="SinchError"/> alone is the legacy unwrapped shape.</summary>
public sealed class SinchErrorEnvelope
{
    public SinchError? Error { get; set; }
}
