using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace ConversationSender.Sandbox;

/// <summary>
/// An access token shaped like Sinch's (a JWT, API reference §2.1) so that SDKs that read its <c>exp</c> to refresh
/// early (Node's 60 s margin) see a real expiry. Signed with HMAC-SHA256 under the key secret; nobody outside the
/// sandbox checks the signature.
/// </summary>
public static class SandboxToken
{
    // The header is the same for every token: its encoding starts every token, which is what a log check looks for.
    private static readonly string Header = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT","kid":"sinch-sandbox"}"""));

    /// <summary>What every token issued by the sandbox starts with.</summary>
    public static string Prefix { get; } = Header + ".";

    public static string Issue(string issuer, string keyId, string secret, DateTimeOffset now, int lifetimeSeconds)
    {
        var claims = new JsonObject
        {
            ["iss"] = issuer,
            ["sub"] = keyId,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.ToUnixTimeSeconds() + lifetimeSeconds,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        var unsigned = Header + "." + WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(unsigned));
        return unsigned + "." + WebEncoders.Base64UrlEncode(signature);
    }
}
