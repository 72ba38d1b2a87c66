using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure.Core;

namespace ConversationSender.Testing;

/// <summary>
/// Stands in for managed identity: tests must never build a credential that probes Azure. Its tokens are JWTs shaped
/// like Entra ID's (audience = the requested scope's resource, an Entra issuer, a lifetime), unsigned, so that local
/// services that check tokens (Azurite with OAuth, the fake Key Vault) can tell a right token from a wrong one.
/// </summary>
public sealed class FakeTokenCredential : TokenCredential
{
    public const string TenantId = "00000000-0000-0000-0000-0000000000aa";

    /// <summary>The signature part of every token issued here: what a test looks for in logs.</summary>
    public const string Signature = "ZmFrZS1lbnRyYS10b2tlbg";

    public ConcurrentQueue<string> RequestedScopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
        {
            RequestedScopes.Enqueue(scope);
        }

        var expires = DateTimeOffset.UtcNow.AddHours(1);
        return new AccessToken(Issue(AudienceOf(requestContext.Scopes.Single()), expires), expires);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));

    /// <summary>The audience of a token issued here, or null when the text is not one of its tokens.</summary>
    public static string? AudienceOfToken(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[2] != Signature)
        {
            return null;
        }

        using var payload = JsonDocument.Parse(Convert.FromBase64String(Pad(parts[1].Replace('-', '+').Replace('_', '/'))));
        return payload.RootElement.GetProperty("exp").GetInt64() > DateTimeOffset.UtcNow.ToUnixTimeSeconds()
            ? payload.RootElement.GetProperty("aud").GetString()
            : null;
    }

    private static string AudienceOf(string scope) => scope.EndsWith("/.default", StringComparison.Ordinal) ? scope[..^"/.default".Length] : scope;

    private static string Issue(string audience, DateTimeOffset expires)
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        var header = Encode(new Dictionary<string, object> { ["alg"] = "RS256", ["typ"] = "JWT" });
        var payload = Encode(new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iss"] = $"https://sts.windows.net/{TenantId}/",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["oid"] = "00000000-0000-0000-0000-00000000a11d",
            ["tid"] = TenantId,
        });
        return $"{header}.{payload}.{Signature}";
    }

    private static string Encode(Dictionary<string, object> claims) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(claims))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Pad(string base64) => base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
}
