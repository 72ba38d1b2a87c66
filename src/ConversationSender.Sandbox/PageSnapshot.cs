namespace ConversationSender.Sandbox;

/// <summary>Everything the page shows, pushed to it whole on every change (one event, one render).</summary>
/// <param name="Captured">Captured sends, newest first.</param>
/// <param name="Listed">The newest of the message list, newest first.</param>
/// <param name="Consent">What Sinch would know of each identity's consent, newest change first.</param>
public sealed record PageSnapshot(string BaseUrl, IReadOnlyList<string> PendingFaults, IReadOnlyList<CapturedMessage> Captured, IReadOnlyList<ListedMessage> Listed, IReadOnlyList<ConsentState> Consent);
