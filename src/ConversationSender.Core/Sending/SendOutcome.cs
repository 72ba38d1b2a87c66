using System.Net;
using ConversationSender.Validation;

namespace ConversationSender.Sending;

/// <summary>How one send ended. Every send ends in exactly one of these.</summary>
public abstract record SendOutcome
{
    private SendOutcome()
    {
    }

    /// <summary>Sinch took the message; delivery is reported later through callbacks.</summary>
    /// <param name="MessageId">Sinch's id; null when Sinch answered 2xx without one (taken all the same: never resent).</param>
    /// <param name="Replayed">True when an earlier send with the same idempotency key is reported, without sending again.</param>
    public sealed record Accepted(string? MessageId, DateTimeOffset AcceptedTime, bool Replayed = false) : SendOutcome;

    /// <summary>The message can never be sent as it is: our validation or Sinch (400/403/404) refused it.</summary>
    /// <param name="UpstreamStatus">Sinch's HTTP status; null when our own validation refused the message.</param>
    public sealed record Rejected(string Reason, IReadOnlyList<FieldError> Errors, HttpStatusCode? UpstreamStatus = null, string? SinchStatus = null) : SendOutcome;

    /// <summary>Worth trying again later: Sinch or Key Vault was busy, failing or unreachable.</summary>
    /// <param name="MayHaveBeenSent">Sinch may have taken the message although we saw a failure: a retry may duplicate it.</param>
    public sealed record Transient(string Reason, TimeSpan? RetryAfter, HttpStatusCode? UpstreamStatus = null, bool MayHaveBeenSent = false) : SendOutcome
    {
        /// <summary>
        /// When a caller should try again: what Sinch asked for, else a few seconds; nothing after an ambiguous failure,
        /// where a blind retry may deliver the message twice (the caller decides, ideally with an idempotency key).
        /// </summary>
        public TimeSpan? SuggestedRetryAfter => RetryAfter ?? (MayHaveBeenSent ? null : RetryShortly);

        /// <summary>Sinch itself is down (not busy with us, not our rate limit, not Key Vault or storage): every message fails alike now.</summary>
        public bool SinchIsDown { get; init; }

        /// <summary>The wait suggested when an outage of ours says nothing about its length.</summary>
        public static readonly TimeSpan RetryShortly = TimeSpan.FromSeconds(5);
    }

    /// <summary>The idempotency key was first used, at <see cref="FirstUsedAt"/>, for a different message: nothing was sent.</summary>
    public sealed record KeyReused(DateTimeOffset FirstUsedAt) : SendOutcome;

    /// <summary>
    /// Sinch may or may not have the message (an ambiguous failure), and it is not resent blindly. With
    /// <see cref="CheckAgainLater"/> it will be looked up in Sinch's message list on the next attempt under the same
    /// key; without, the list cannot be searched, and a person must decide (replay or discard).
    /// </summary>
    /// <param name="CheckAgainAfter">How long Sinch takes to list a message: a lookup sooner may miss it.</param>
    public sealed record Unconfirmed(string Reason, bool CheckAgainLater, TimeSpan? CheckAgainAfter = null) : SendOutcome;

    /// <summary>The message under this key was cancelled (at <see cref="At"/>) before it was sent: nothing was sent.</summary>
    public sealed record Cancelled(DateTimeOffset At) : SendOutcome;

    /// <summary>Another send with the same idempotency key is running; ask again shortly.</summary>
    public sealed record InProgress(DateTimeOffset Since) : SendOutcome;

    /// <summary>
    /// Every recipient opted out (of everything, or of this <c>message_content_type</c>) on <see cref="Since"/>: nothing was
    /// sent, and nothing will be until they opt in again. A refusal, not a failure: never retried, never dead-lettered.
    /// </summary>
    public sealed record Suppressed(Consent.ConsentCategory Category, DateTimeOffset Since, Consent.ConsentSource Source) : SendOutcome;

    /// <summary>The fix is on our side: <see cref="SettingName"/> names what to correct (never its value).</summary>
    public sealed record Misconfigured(string Reason, string SettingName) : SendOutcome;
}
