namespace ConversationSender.Consent;

/// <summary>One change asked for, as the history keeps it.</summary>
/// <param name="Reference">The inbound message id, Sinch's <c>request_id</c>, or the operator's request id: an event with a reference seen before is not applied again.</param>
/// <param name="Reason">The operator's stated reason (required to remove an entry).</param>
public sealed record ConsentChange(
    ConsentAction Action,
    ConsentCategory Category,
    ConsentSource Source,
    DateTimeOffset At,
    string? Reference = null,
    string? Channel = null,
    string? Reason = null);
