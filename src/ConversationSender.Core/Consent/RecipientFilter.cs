using ConversationSender.Sinch;
using ConversationSender.Storage;

namespace ConversationSender.Consent;

/// <summary>
/// Drops opted-out identities from a send's recipient before Sinch is called: one point read of the suppression list
/// per distinct subject (SMS and MMS to one number are one read), all at once. A contact-id recipient is checked as the contact.
/// Which opt-outs apply is told by the send's <c>message_content_type</c>.
/// </summary>
public sealed class RecipientFilter(SuppressionList suppressions, Microsoft.Extensions.Options.IOptions<ConsentOptions> options)
{
    public bool Enabled => suppressions.Enabled;

    /// <returns>The request to send (the same one when nobody is suppressed, a narrowed copy otherwise), or the suppression that stops it when nobody is left.</returns>
    /// <exception cref="SuppressionListUnavailableException">The list cannot be read: the caller must not send unchecked.</exception>
    public async Task<(SendMessageRequest? Request, Suppression? Refusal)> FilterAsync(SendMessageRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await FilterOnceAsync(request, cancellationToken);
        }
        catch (Exception ex) when (StorageFailure.Is(ex, cancellationToken) || ex is Credentials.CredentialsMisconfiguredException)
        {
            throw new SuppressionListUnavailableException($"The suppression list cannot be read ({ex.GetType().Name}).", ex);
        }
    }

    private async Task<(SendMessageRequest? Request, Suppression? Refusal)> FilterOnceAsync(SendMessageRequest request, CancellationToken cancellationToken)
    {
        var blocking = ContentTypeCategories.Blocking(request.MessageContentType);
        if (request.Recipient?.ContactId is { Length: > 0 } contactId)
        {
            var refusal = Blocking(await suppressions.FindAsync(ConsentSubject.Contact(contactId), cancellationToken), blocking);
            return refusal is null ? (request, null) : (null, refusal);
        }

        var identities = request.Recipient?.IdentifiedBy?.ChannelIdentities;
        if (identities is null || identities.Count == 0)
        {
            return (request, null);
        }

        var subjects = identities.Select(i => ConsentSubject.For(i.Channel ?? "", i.Identity ?? "", options.Value)).ToList();
        var distinct = subjects.DistinctBy(s => s.PartitionKey).ToList();
        var active = await Task.WhenAll(distinct.Select(subject => suppressions.FindAsync(subject, cancellationToken)));
        var found = distinct.Zip(active).ToDictionary(p => p.First.PartitionKey, p => Blocking(p.Second, blocking), StringComparer.Ordinal);

        var kept = identities.Where((_, i) => found[subjects[i].PartitionKey] is null).ToList();
        if (kept.Count == identities.Count)
        {
            return (request, null);
        }

        if (kept.Count == 0)
        {
            return (null, found.Values.OfType<Suppression>().MinBy(s => s.Since));
        }

        var channels = kept.Select(i => i.Channel).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return (request with
        {
            Recipient = new Recipient { IdentifiedBy = new IdentifiedBy { ChannelIdentities = kept } },
            ChannelPriorityOrder = request.ChannelPriorityOrder?.Where(channels.Contains).ToList() is { Count: > 0 } order ? order : null,
        }, null);
    }

    private static Suppression? Blocking(IReadOnlyList<Suppression> active, IReadOnlyList<ConsentCategory> blocking) =>
        active.Where(s => blocking.Contains(s.Category)).MinBy(s => s.Since);
}
