using ConversationSender.Contract;

namespace ConversationSender.Validation;

/// <summary>Channel names as callers write them (any case), and how errors about unknown ones list the known.</summary>
public static class ConversationChannels
{
    /// <summary><see cref="MessageContract.Channels"/>, under the name callers of this class know.</summary>
    public static IReadOnlyList<string> All => MessageContract.Channels;

    private static readonly string Listing = "one of " + string.Join(", ", All);

    /// <summary>
    /// What an error about an unknown channel says is expected: the list of channels the first time in a message,
    /// then a pointer to it (a hundred wrong channels must not repeat it a hundred times).
    /// </summary>
    public static string Expected(IEnumerable<FieldError> errorsSoFar) => errorsSoFar.Any(ListsChannels) ? ListedAbove : Listing;

    /// <summary>Whether an error ends with the list of channels.</summary>
    public static bool ListsChannels(FieldError error) => error.Message.EndsWith(Listing, StringComparison.Ordinal);

    /// <summary>The error pointing to a list given earlier in the same answer instead of repeating it.</summary>
    public static FieldError WithoutListing(FieldError error) =>
        ListsChannels(error) ? error with { Message = error.Message[..^Listing.Length] + ListedAbove } : error;

    private const string ListedAbove = "one of the channels listed above";

    /// <summary>The canonical (upper-case) name, or null when the channel is unknown.</summary>
    public static string? Normalize(string? channel)
    {
        var name = channel.AsSpan().Trim();
        foreach (var known in All)
        {
            if (name.Equals(known, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return null;
    }
}
