namespace ConversationSender.Functions.Http;

/// <summary>The body of <c>POST /api/optouts/import</c>: entries to opt out, and one reason kept with each.</summary>
public sealed class OptOutImportBody
{
    public IList<OptOutRequestBody>? Entries { get; set; }

    public string? Reason { get; set; }
}
