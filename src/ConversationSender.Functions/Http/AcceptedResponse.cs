namespace ConversationSender.Functions.Http;

/// <summary>The 200 body: Sinch's id for the message and when Sinch took it.</summary>
public sealed record AcceptedResponse(string MessageId, DateTimeOffset AcceptedTime);
