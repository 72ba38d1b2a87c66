using System.Text;
using ConversationSender.Callbacks;

namespace ConversationSender.UnitTests.Callbacks;

/// <summary>Sinch's callback signature: Base64(HMAC-SHA256(secret, body.nonce.timestamp)), and a fresh timestamp.</summary>
public sealed class WebhookSignatureTests
{
    private const string Secret = "webhook-secret";
    private const string Nonce = "nonce-1";
    private const string Timestamp = "1764576000";

    // Computed outside .NET (Python's hmac) for this secret, body, nonce and timestamp.
    private const string KnownSignature = "bvJNMXfG+l6yzNNgpqZsYJPY3t+WYGoPD+kv9vkMcos=";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"message_delivery_report":{}}""");
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1_764_576_000);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public void The_signature_matches_an_independent_hmac()
    {
        Assert.Equal(KnownSignature, Convert.ToBase64String(WebhookSignature.Compute(Encoding.UTF8.GetBytes(Secret), Body, Nonce, Timestamp)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-300)]
    [InlineData(300)]
    public void A_correct_signature_within_the_tolerance_is_valid(int secondsLate) =>
        Assert.Equal(WebhookVerification.Valid, Verify(KnownSignature, SignedAt.AddSeconds(secondsLate)));

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    public void A_correct_signature_outside_the_tolerance_is_stale(int secondsLate) =>
        Assert.Equal(WebhookVerification.StaleTimestamp, Verify(KnownSignature, SignedAt.AddSeconds(secondsLate)));

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("bvJNMXfG+l6yzNNgpqZsYJPY3t+WYGoPD+kv9vkMcoA=")]
    [InlineData("bvJNMXfG+l6yzNNgpqZsYJPY3t+WYGoPD+kv9vkM")]
    public void A_wrong_or_missing_signature_is_refused(string signature) =>
        Assert.Equal(signature.Length == 0 ? WebhookVerification.MissingHeaders : WebhookVerification.BadSignature, Verify(signature, SignedAt));

    [Fact]
    public void A_changed_body_nonce_or_timestamp_breaks_the_signature()
    {
        Assert.Equal(WebhookVerification.BadSignature, WebhookSignature.Verify(Secret, Encoding.UTF8.GetBytes("""{"message_delivery_report":{} }"""), Nonce, Timestamp, KnownSignature, SignedAt, Tolerance));
        Assert.Equal(WebhookVerification.BadSignature, WebhookSignature.Verify(Secret, Body, "nonce-2", Timestamp, KnownSignature, SignedAt, Tolerance));
        Assert.Equal(WebhookVerification.BadSignature, WebhookSignature.Verify(Secret, Body, Nonce, "1764576001", KnownSignature, SignedAt, Tolerance));
        Assert.Equal(WebhookVerification.BadSignature, WebhookSignature.Verify("other-secret", Body, Nonce, Timestamp, KnownSignature, SignedAt, Tolerance));
    }

    [Fact]
    public void A_missing_nonce_or_timestamp_is_a_missing_header()
    {
        Assert.Equal(WebhookVerification.MissingHeaders, WebhookSignature.Verify(Secret, Body, null, Timestamp, KnownSignature, SignedAt, Tolerance));
        Assert.Equal(WebhookVerification.MissingHeaders, WebhookSignature.Verify(Secret, Body, Nonce, "", KnownSignature, SignedAt, Tolerance));
    }

    private static WebhookVerification Verify(string signature, DateTimeOffset now) =>
        WebhookSignature.Verify(Secret, Body, Nonce, Timestamp, signature, now, Tolerance);
}
