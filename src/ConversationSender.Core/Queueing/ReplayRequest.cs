namespace ConversationSender.Queueing;

/// <summary>Which dead letters to move back to the send queue.</summary>
/// <param name="FromPoison">Read the host's <c>&lt;queue&gt;-poison</c> (raw messages) instead of our dead-letter queue.</param>
/// <param name="MessageIds">Only these: original queue message ids (dead-letter queue) or poison message ids; null for any.</param>
/// <param name="Max">At most this many are moved.</param>
public sealed record ReplayRequest(bool FromPoison, IReadOnlySet<string>? MessageIds, int Max);
