namespace ConversationSender.Functions.Http;

public sealed record OptOutImportResponse(int Added, int AlreadyOptedOut);
