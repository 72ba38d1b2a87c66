namespace ConversationSender.Functions.Http;

/// <param name="Result">opted_out, already_opted_out, opted_in or was_not_opted_out.</param>
public sealed record OptOutChangeResponse(string Result, string Category);
