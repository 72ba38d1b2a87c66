using System.Collections.Concurrent;

namespace ConversationSender.Sandbox;

/// <summary>
/// The contacts and conversations of an app in CONVERSATION mode: Sinch makes a contact of each new channel identity
/// and keeps one conversation per contact. The sandbox holds no contact records beyond what sends taught it: a
/// contact is reached on a channel at the identity it was addressed by there, else at an identity equal to its id.
/// </summary>
internal sealed class ContactBook
{
    private readonly ConcurrentDictionary<string, string> _contactOfIdentity = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _identityOnChannel = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _conversationOfContact = new(StringComparer.Ordinal);

    /// <summary>The contact an identity belongs to (made on first sight).</summary>
    public string ContactOf(string channel, string identity)
    {
        var contact = _contactOfIdentity.GetOrAdd($"{channel}\n{identity}", _ => Ulid.New(DateTimeOffset.UtcNow));
        _identityOnChannel.TryAdd($"{contact}\n{channel}", identity);
        return contact;
    }

    public string ConversationOf(string contactId) => _conversationOfContact.GetOrAdd(contactId, _ => Ulid.New(DateTimeOffset.UtcNow));

    public string IdentityOf(string contactId, string channel) =>
        _identityOnChannel.TryGetValue($"{contactId}\n{channel}", out var identity) ? identity : contactId;
}
