using System.Security.Cryptography;
using System.Text;

namespace ConversationSender.Consent;

/// <summary>
/// Whom a suppression is about: an identity within a scope (the channels that share a phone number's opt-out, or one
/// channel), or a Sinch contact. Phone-like identities compare by their digits: Sinch reports <c>15551234567</c> for a
/// send to <c>+1 555 123 4567</c>.
/// </summary>
public readonly record struct ConsentSubject(string Scope, string Key)
{
    public const string SharedScope = "PHONE";
    public const string ContactScope = "CONTACT";

    public static ConsentSubject For(string channel, string identity, ConsentOptions options) =>
        new(options.SharesScope(channel) ? SharedScope : channel.Trim().ToUpperInvariant(), NormalizeIdentity(identity));

    public static ConsentSubject Contact(string contactId) => new(ContactScope, contactId.Trim());

    /// <summary>The table partition: a hash, so that the key carries no characters the table refuses (and no number in plain sight).</summary>
    public string PartitionKey => Hash($"{Scope}|{Key}");

    /// <summary>A table-safe key for any text (40 hex characters of its SHA-256).</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..40];

    public static string NormalizeIdentity(string identity)
    {
        var trimmed = identity.Trim();
        var digits = 0;
        foreach (var c in trimmed)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c is not ('+' or ' ' or '-' or '(' or ')' or '.'))
            {
                return trimmed;
            }
        }

        return digits >= 5 ? string.Concat(trimmed.Where(char.IsAsciiDigit)) : trimmed;
    }

    // An identity is personal data: nothing that prints a subject may show it; the partition key tells two apart.
    public override string ToString() => $"{Scope} {PartitionKey[..12]}";
}
