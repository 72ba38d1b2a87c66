using ConversationSender.Consent;

namespace ConversationSender.Functions.Http;

/// <summary>The answer of <c>POST /api/optouts/lookup</c>: the identity's suppressions and whole history (never the identity itself).</summary>
public sealed record OptOutRecordResponse(string Scope, bool OptedOut, IReadOnlyList<OptOutSuppressionResponse> Suppressions, IReadOnlyList<OptOutHistoryResponse> History)
{
    public static OptOutRecordResponse From(ConsentRecord record) => new(
        record.Subject.Scope,
        record.Suppressions.Count > 0,
        [.. record.Suppressions.Select(s => new OptOutSuppressionResponse(ContentTypeCategories.Name(s.Category), s.Since, ConsentNames.Source(s.Source), s.Channel))],
        [.. record.History.Select(h => new OptOutHistoryResponse(h.At, ConsentNames.Action(h.Action), ContentTypeCategories.Name(h.Category), ConsentNames.Source(h.Source), h.Reference, h.Channel, h.Reason, h.Changed))]);
}
