using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;

namespace ConversationSender.Sinch;

/// <summary>
/// Authenticates each Conversation API request with the credentials the caller attached to it:
/// an OAuth2 bearer token (default) or Basic. A 401 that says the token expired gets one retry
/// with a new token, as Sinch's own SDKs do.
/// </summary>
public sealed class SinchAuthenticationHandler(OAuthTokenProvider tokens, IOptions<SinchOptions> options) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<SinchCredentials> CredentialsKey = new("Sinch.Credentials");

    private AuthenticationHeaderValue? _bearer;

    public static AuthenticationHeaderValue BasicHeader(SinchCredentials credentials) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.KeyId}:{credentials.KeySecret}")));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(CredentialsKey, out var credentials))
        {
            throw new InvalidOperationException("A Conversation API request was sent without Sinch credentials attached.");
        }

        if (options.Value.AuthMode == SinchAuthMode.Basic)
        {
            request.Headers.Authorization = BasicHeader(credentials);
            return await base.SendAsync(request, cancellationToken);
        }

        var token = await tokens.GetTokenAsync(credentials, rejectedToken: null, cancellationToken);
        request.Headers.Authorization = BearerHeader(token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !SaysTokenExpired(response))
        {
            return response;
        }

        response.Dispose();
        var renewed = await tokens.GetTokenAsync(credentials, rejectedToken: token, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", renewed);
        return await base.SendAsync(request, cancellationToken);
    }

    // Header values are immutable, so one per token serves every request that uses it.
    private AuthenticationHeaderValue BearerHeader(string token)
    {
        var cached = _bearer;
        if (cached is null || !ReferenceEquals(cached.Parameter, token))
        {
            _bearer = cached = new AuthenticationHeaderValue("Bearer", token);
        }

        return cached;
    }

    private static bool SaysTokenExpired(HttpResponseMessage response) =>
        response.Headers.WwwAuthenticate.Any(h => h.ToString().Contains("expired", StringComparison.OrdinalIgnoreCase));
}
