namespace ConversationSender.Functions.Http;

public sealed record BatchResponse(int Queued, int Invalid, IReadOnlyList<BatchItemResponse> Results)
{
    /// <summary>Valid items that storage could not take now (absent when none).</summary>
    public int? NotQueued { get; init; }
}
