using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Sinch;

/// <summary>
/// The one place that authenticates Conversation API requests, OAuth2 bearer token (default) or Basic, and owns both
/// kinds of refusal:
/// <list type="number">
/// <item>a 401 on a bearer token (expired, or revoked at Sinch, which says nothing of expiry) drops that token and
/// retries once with a new one; a concurrent sender that already fetched a newer token shares it;</item>
/// <item>a key refused (by the token endpoint, or by the API once the new token is refused too, or on a Basic 401)
/// is read again from the credential store, once, shared by concurrent senders, and the request retried with it.</item>
/// </list>
/// New token first, credentials second: a revoked token costs a token request, not a vault read.
/// </summary>
public sealed partial class SinchAuthenticationHandler(
    OAuthTokenProvider tokens,
    ISinchCredentialStore credentialStore,
    IOptions<SinchOptions> options,
    ILogger<SinchAuthenticationHandler> logger) : DelegatingHandler
{
    private AuthenticationHeaderValue? _bearer;

    public static AuthenticationHeaderValue BasicHeader(SinchCredentials credentials) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.KeyId}:{credentials.KeySecret}")));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // A SinchRequestMessage names the credentials the client built it with (its project and app); others use the store's.
        var credentials = request is SinchRequestMessage sinchRequest ? sinchRequest.Credentials : await credentialStore.GetAsync(cancellationToken);
        if (options.Value.AuthMode == SinchAuthMode.Basic)
        {
            // Basic has no token to renew: a 401 is the key's refusal at once.
            return await SendUnlessRefusedAsync(request, BasicHeader(credentials), cancellationToken)
                ?? await SendWithKeyReadAgainAsync(request, credentials, cancellationToken);
        }

        string token;
        try
        {
            token = await tokens.GetTokenAsync(credentials, rejectedToken: null, cancellationToken);
        }
        catch (SinchAuthenticationException)
        {
            return await SendWithKeyReadAgainAsync(request, credentials, cancellationToken);
        }

        return await SendUnlessRefusedAsync(request, BearerHeader(token), cancellationToken)
            ?? await AfterRefusedTokenAsync(request, credentials, token, cancellationToken);
    }

    private async Task<HttpResponseMessage> AfterRefusedTokenAsync(HttpRequestMessage request, SinchCredentials credentials, string refused, CancellationToken cancellationToken)
    {
        try
        {
            var renewed = await tokens.GetTokenAsync(credentials, rejectedToken: refused, cancellationToken);
            if (await SendUnlessRefusedAsync(request, BearerHeader(renewed), cancellationToken) is { } response)
            {
                return response;
            }
        }
        catch (SinchAuthenticationException)
        {
            // The token endpoint refused the key: read it again below.
        }

        return await SendWithKeyReadAgainAsync(request, credentials, cancellationToken);
    }

    // The key may have been rotated in the vault since it was cached: read it again, once. A second refusal is the
    // caller's answer (a 401, or the token endpoint's SinchAuthenticationException).
    private async Task<HttpResponseMessage> SendWithKeyReadAgainAsync(HttpRequestMessage request, SinchCredentials credentials, CancellationToken cancellationToken)
    {
        LogKeyRefused(logger);
        var refreshed = await credentialStore.RefreshAsync(credentials, cancellationToken);
        if (options.Value.AuthMode == SinchAuthMode.Basic)
        {
            request.Headers.Authorization = BasicHeader(refreshed);
            return await SendOnTheWireAsync(request, cancellationToken);
        }

        var token = await tokens.GetTokenAsync(refreshed, rejectedToken: null, cancellationToken);
        if (await SendUnlessRefusedAsync(request, BearerHeader(token), cancellationToken) is { } response)
        {
            return response;
        }

        var renewed = await tokens.GetTokenAsync(refreshed, rejectedToken: token, cancellationToken);
        request.Headers.Authorization = BearerHeader(renewed);
        return await SendOnTheWireAsync(request, cancellationToken);
    }

    // Null when Sinch answered 401 (that answer disposed): the caller decides what to try next.
    private async Task<HttpResponseMessage?> SendUnlessRefusedAsync(HttpRequestMessage request, AuthenticationHeaderValue authorization, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = authorization;
        var response = await SendOnTheWireAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        return null;
    }

    private async Task<HttpResponseMessage> SendOnTheWireAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        MarkOnTheWire(request, true);
        var response = await base.SendAsync(request, cancellationToken);
        MarkOnTheWire(request, false);
        return response;
    }

    private static void MarkOnTheWire(HttpRequestMessage request, bool onTheWire)
    {
        if (request is SinchRequestMessage sinchRequest)
        {
            sinchRequest.WasOnTheWire = onTheWire;
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sinch refused the cached access key; reading the credentials again.")]
    private static partial void LogKeyRefused(ILogger logger);
}
