using System.Security.Cryptography;
using System.Text;

namespace ConversationSender.Sandbox;

/// <summary>
/// Sinch's callback signature: Base64(HMAC-SHA256(secret, raw_body + "." + nonce + "." + timestamp)),
/// sent in <c>x-sinch-webhook-signature</c> beside the nonce, timestamp and algorithm headers.
/// </summary>
public static class CallbackSigner
{
    public const string SignatureHeader = "x-sinch-webhook-signature";
    public const string NonceHeader = "x-sinch-webhook-signature-nonce";
    public const string TimestampHeader = "x-sinch-webhook-signature-timestamp";
    public const string AlgorithmHeader = "x-sinch-webhook-signature-algorithm";

    public static string Compute(string secret, string rawBody, string nonce, string timestamp)
    {
        var signed = Encoding.UTF8.GetBytes($"{rawBody}.{nonce}.{timestamp}");
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
