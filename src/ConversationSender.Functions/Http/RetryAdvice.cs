using ConversationSender.Sending;

namespace ConversationSender.Functions.Http;

/// <summary>Every <c>Retry-After</c> this API suggests on its own (Sinch's, when it gave one, is passed on instead).</summary>
public static class RetryAdvice
{
    /// <summary>An outage of ours that says nothing about its length (storage, Key Vault, Sinch without a Retry-After).</summary>
    public static TimeSpan Shortly => SendOutcome.Transient.RetryShortly;

    /// <summary>Another request with the same key is being sent right now: its answer is a moment away.</summary>
    public static readonly TimeSpan InProgress = TimeSpan.FromSeconds(1);
}
