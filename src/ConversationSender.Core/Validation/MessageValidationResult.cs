using ConversationSender.Sinch;

namespace ConversationSender.Validation;

/// <summary>Either the request to send (without <c>app_id</c>) or every problem found.</summary>
public sealed record MessageValidationResult(SendMessageRequest? Request, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Request is not null && Errors.Count == 0;
}
