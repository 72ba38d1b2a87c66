namespace ConversationSender.Functions.Http;

public sealed record ReplayResponse(int Replayed, int Scanned, IReadOnlyList<string> MessageIds);
