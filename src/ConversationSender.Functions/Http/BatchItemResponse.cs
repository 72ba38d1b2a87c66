namespace ConversationSender.Functions.Http;

/// <summary>One item of a batch answer, by its index in the request.</summary>
public sealed record BatchItemResponse(int Index, string Status, string? TrackingId, IDictionary<string, string[]>? Errors)
{
    /// <summary>Why a valid item was not queued (storage unavailable): offer it again.</summary>
    public string? Reason { get; init; }
}
