namespace ConversationSender.Sandbox;

/// <summary>
/// A message the sandbox "took" or received, as Sinch's message list returns it (API reference §8.1): what a
/// reconciler searches to learn whether an ambiguous send went through.
/// </summary>
/// <param name="AppMessageJson">The content: the <c>app_message</c> of a message to a contact, the <c>contact_message</c> of one to the app.</param>
/// <param name="Direction"><c>TO_CONTACT</c> (sent by the app) or <c>TO_APP</c> (written by the contact).</param>
public sealed record ListedMessage(
    string Id, DateTimeOffset AcceptTime, string? AppId, string Channel, string Identity, string Metadata, string AppMessageJson,
    string ContactId = "", string ConversationId = "", string Direction = "TO_CONTACT", string ProcessingMode = SandboxOptions.DispatchMode);
