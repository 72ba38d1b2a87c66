namespace ConversationSender.Functions.Http;

/// <summary>
/// The body of <c>POST /api/optouts</c>, <c>/api/optouts/remove</c> and <c>/api/optouts/lookup</c>, and one entry of an
/// import: <c>channel</c> and <c>identity</c>, or <c>contact_id</c>; <c>category</c> all (default), marketing or notification.
/// </summary>
public sealed class OptOutRequestBody
{
    public string? Channel { get; set; }

    public string? Identity { get; set; }

    public string? ContactId { get; set; }

    public string? Category { get; set; }

    /// <summary>Why (required to remove an entry); kept in the history.</summary>
    public string? Reason { get; set; }
}
