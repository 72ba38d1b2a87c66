namespace ConversationSender.Tracking;

/// <summary>
/// What is known about one sent message: its latest status and every report received. Never the caller's key (who
/// asks by key knows it; who asks by message id need not learn it), an identity or a text.
/// </summary>
/// <param name="MessageId">Sinch's id; null while the message is scheduled or after it was cancelled.</param>
/// <param name="SendAt">For a scheduled message: when it is due.</param>
public sealed record MessageStatus(
    string? MessageId,
    string? CorrelationId,
    string Status,
    DateTimeOffset? AcceptedTime,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<StatusEvent> History,
    DateTimeOffset? SendAt = null);

/// <summary>One delivery report. No identity is stored: the channel says enough.</summary>
public sealed record StatusEvent(string Status, DateTimeOffset EventTime, string? Channel, string? ReasonCode, string? ReasonDescription);
