namespace ConversationSender.Callbacks;

/// <summary>What the callback receiver answers.</summary>
public abstract record CallbackOutcome
{
    private CallbackOutcome()
    {
    }

    /// <param name="Kind">The event's payload key, e.g. <c>message_delivery_report</c>.</param>
    public sealed record Accepted(string Kind) : CallbackOutcome;

    public sealed record Unauthorized(WebhookVerification Reason) : CallbackOutcome;

    public sealed record Invalid(string Reason) : CallbackOutcome;

    /// <summary>Storage or the secret is unavailable: Sinch should deliver the callback again later.</summary>
    public sealed record Unavailable(string Reason) : CallbackOutcome;
}
