using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ConversationSender.Callbacks;

/// <summary>
/// Nonces of accepted callbacks within the timestamp tolerance: a second callback with a seen nonce is a replay.
/// Per instance: a replay sent to another instance within the window is caught only by the timestamp check.
/// </summary>
public sealed class NonceRegistry(IOptions<WebhookOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    /// <returns>False when the nonce was already used.</returns>
    public bool TryUse(string nonce)
    {
        var now = time.GetUtcNow();
        if (_seen.Count > 10_000)
        {
            var horizon = now - (options.Value.TimestampTolerance * 2);
            foreach (var (old, at) in _seen)
            {
                if (at < horizon)
                {
                    _seen.TryRemove(old, out _);
                }
            }
        }

        return _seen.TryAdd(nonce, now);
    }

    /// <summary>
    /// Forgets a nonce whose callback could not be processed: Sinch delivers the same signed callback again, and that
    /// redelivery is not a replay.
    /// </summary>
    public void Release(string nonce) => _seen.TryRemove(nonce, out _);
}
