using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ConversationSender.Callbacks;

/// <summary>
/// Sinch's callback signature (API reference §7.2): Base64(HMAC-SHA256(secret, raw body + "." + nonce + "." + timestamp)),
/// over the bytes exactly as received.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "x-sinch-webhook-signature";
    public const string NonceHeader = "x-sinch-webhook-signature-nonce";
    public const string TimestampHeader = "x-sinch-webhook-signature-timestamp";

    public static byte[] Compute(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> rawBody, string nonce, string timestamp)
    {
        var suffix = Encoding.UTF8.GetBytes($".{nonce}.{timestamp}");
        var signed = new byte[rawBody.Length + suffix.Length];
        rawBody.CopyTo(signed);
        suffix.CopyTo(signed.AsSpan(rawBody.Length));
        return HMACSHA256.HashData(secret, signed);
    }

    /// <summary>Checks the signature (in constant time) and the timestamp's age; replays are the caller's to track.</summary>
    public static WebhookVerification Verify(string secret, ReadOnlySpan<byte> rawBody, string? nonce, string? timestamp, string? signature, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return WebhookVerification.MissingHeaders;
        }

        Span<byte> given = stackalloc byte[64];
        if (!Convert.TryFromBase64String(signature, given, out var length)
            || !CryptographicOperations.FixedTimeEquals(given[..length], Compute(Encoding.UTF8.GetBytes(secret), rawBody, nonce, timestamp)))
        {
            return WebhookVerification.BadSignature;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs((now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799))).TotalSeconds) > tolerance.TotalSeconds)
        {
            return WebhookVerification.StaleTimestamp;
        }

        return WebhookVerification.Valid;
    }
}
