using System.Globalization;
using System.Text;

namespace ConversationSender.Sandbox;

/// <summary>Posts one callback the way Sinch does: the raw JSON body with the nonce, timestamp and HMAC headers.</summary>
internal static class SignedCallback
{
    /// <returns>The receiver's HTTP status, or null when it could not be reached.</returns>
    public static async Task<int?> PostAsync(HttpClient http, string url, string secret, string body, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var nonce = Ulid.New(now);
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(CallbackSigner.NonceHeader, nonce);
        request.Headers.Add(CallbackSigner.TimestampHeader, timestamp);
        request.Headers.Add(CallbackSigner.AlgorithmHeader, "HmacSHA256");
        request.Headers.Add(CallbackSigner.SignatureHeader, CallbackSigner.Compute(secret, body, nonce, timestamp));
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
