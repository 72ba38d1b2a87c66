namespace ConversationSender.Validation;

/// <summary>One problem with one field, e.g. <c>recipient.identified_by.channel_identities[0].channel</c>.</summary>
/// <remarks>Messages name the rule and never repeat the caller's identities or texts.</remarks>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
