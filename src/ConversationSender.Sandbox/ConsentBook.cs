using System.Collections.Concurrent;

namespace ConversationSender.Sandbox;

/// <summary>
/// The consent state the sandbox shows, per channel identity. Phone-like identities compare by their digits, so the
/// recipient's reply from <c>46701234567</c> marks the sends to <c>+46701234567</c>.
/// </summary>
internal sealed class ConsentBook
{
    private readonly ConcurrentDictionary<string, ConsentState> _states = new(StringComparer.Ordinal);

    public IReadOnlyList<ConsentState> All => [.. _states.Values.OrderByDescending(s => s.Since)];

    public void Record(ConsentState state) => _states[Key(state.Channel, state.Identity)] = state;

    public void Clear() => _states.Clear();

    private static string Key(string channel, string identity)
    {
        var trimmed = identity.Trim();
        var phoneLike = trimmed.Length > 0 && trimmed.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.');
        return channel.ToUpperInvariant() + "\n" + (phoneLike ? new string([.. trimmed.Where(char.IsAsciiDigit)]) : trimmed);
    }
}
