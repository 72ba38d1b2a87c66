using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;

namespace ConversationSender.Sinch;

/// <summary>
/// Authenticates each Conversation API request with the credentials the caller attached to it: an OAuth2 bearer token
/// (default) or Basic. Any 401 on a bearer token (expired, or revoked when the key was rotated or deleted at Sinch,
/// which says nothing of expiry) drops that token and retries once with a new one; a concurrent sender that already
/// fetched a newer token shares it. Only if the token endpoint refuses the key, or the new token is refused too, does
/// the caller see the refusal (and re-read the credentials): new token first, credentials second.
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
        if (response.StatusCode != HttpStatusCode.Unauthorized)
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
}
