namespace ConversationSender.Validation;

/// <summary>Field paths as callers write them: <c>recipient.identified_by.channel_identities[0].channel</c>.</summary>
internal static class FieldPath
{
    public static string FromJsonPath(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "$"
        : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..]
        : jsonPath.TrimStart('$');
}
