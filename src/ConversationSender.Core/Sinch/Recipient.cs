namespace ConversationSender.Sinch;

/// <summary>Exactly one of <see cref="ContactId"/> or <see cref="IdentifiedBy"/>.</summary>
public sealed class Recipient
{
    public string? ContactId { get; set; }

    public IdentifiedBy? IdentifiedBy { get; set; }
}
