namespace ConversationSender.Functions.Http;

public sealed record BatchResponse(int Queued, int Invalid, IReadOnlyList<BatchItemResponse> Results);
