using ConversationSender.Consent;
using ConversationSender.Sinch;
using Microsoft.Extensions.Logging;

namespace ConversationSender.Sending;

/// <summary>
/// The suppression list's say on a send, as a <see cref="SendOutcome"/>: opted-out identities are dropped before Sinch
/// is called; none left: <see cref="SendOutcome.Suppressed"/>. Asked at send time (after the idempotency claim), so a
/// scheduled or queued message whose recipient opted out meanwhile is not sent.
/// </summary>
public sealed partial class ConsentGate(RecipientFilter filter, ILogger<ConsentGate> logger)
{
    /// <param name="confirmsConsent">
    /// True only for the confirmation of an opt-out or opt-in (and a HELP answer): it goes past the suppression it confirms.
    /// </param>
    /// <returns>The request to send (narrowed when some identities opted out), or the outcome that stops it.</returns>
    public async Task<(SendMessageRequest? Request, SendOutcome? Refused)> CheckAsync(SendMessageRequest request, bool confirmsConsent, CancellationToken cancellationToken)
    {
        if (confirmsConsent || !filter.Enabled)
        {
            return (request, null);
        }

        try
        {
            var (allowed, refusal) = await filter.FilterAsync(request, cancellationToken);
            if (refusal is not null)
            {
                LogSuppressed(logger, refusal.Category, refusal.Since, refusal.Source);
                return (null, new SendOutcome.Suppressed(refusal.Category, refusal.Since, refusal.Source));
            }

            if (!ReferenceEquals(allowed, request))
            {
                LogNarrowed(logger, request.Recipient!.IdentifiedBy!.ChannelIdentities!.Count - allowed!.Recipient!.IdentifiedBy!.ChannelIdentities!.Count);
            }

            return (allowed, null);
        }
        catch (SuppressionListUnavailableException ex)
        {
            // A send is never made unchecked; retried like any outage (nothing reached Sinch).
            LogUnchecked(logger, ex.Message);
            return (null, new SendOutcome.Transient($"{ex.Message} Not sent unchecked.", RetryAfter: null));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not sent: every recipient opted out ({Category}, since {Since:O}, from {Source}).")]
    private static partial void LogSuppressed(ILogger logger, ConsentCategory category, DateTimeOffset since, ConsentSource source);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Dropped} opted-out channel identities dropped from the recipient.")]
    private static partial void LogNarrowed(ILogger logger, int dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not sent: {Reason}")]
    private static partial void LogUnchecked(ILogger logger, string reason);
}
