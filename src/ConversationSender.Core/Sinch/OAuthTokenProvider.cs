using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ConversationSender.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConversationSender.Sinch;

/// <summary>
/// OAuth2 client-credentials tokens from the Sinch auth server, cached per access key and replaced
/// <see cref="SinchOptions.TokenRefreshMargin"/> before they expire, or at once when Sinch refuses one. One request
/// for a new token is in flight at a time, so a burst of sends at expiry costs one token call. A key the auth server
/// refused is not offered again for <see cref="RefusedKeyBackoff"/>: a wrong key costs one token request a minute,
/// not one per send.
/// </summary>
public sealed partial class OAuthTokenProvider(
    IHttpClientFactory httpClientFactory,
    IOptions<SinchOptions> options,
    TimeProvider time,
    SenderMetrics metrics,
    ILogger<OAuthTokenProvider> logger) : IDisposable
{
    public const string HttpClientName = "SinchAuth";

    public static readonly TimeSpan RefusedKeyBackoff = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, int Status)> _refusedKeys = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SinchCredentials, string> _cacheKeys = [];

    // The token last handed out, with the credentials object it is for: a send nearly always asks for exactly that,
    // and gets it without hashing a key or an async frame. Cleared when a key is refused.
    private volatile LastToken? _last;

    /// <summary>A valid token for these credentials.</summary>
    /// <param name="rejectedToken">A token Sinch just refused (expired or revoked): it is dropped, and a new one is fetched unless another caller already did.</param>
    public ValueTask<string> GetTokenAsync(SinchCredentials credentials, string? rejectedToken, CancellationToken cancellationToken) =>
        _last is { } last && ReferenceEquals(last.Credentials, credentials) && IsUsable(last.Token, rejectedToken)
            ? ValueTask.FromResult(last.Token.AccessToken)
            : GetOrFetchTokenAsync(credentials, rejectedToken, cancellationToken);

    private async ValueTask<string> GetOrFetchTokenAsync(SinchCredentials credentials, string? rejectedToken, CancellationToken cancellationToken)
    {
        var key = CacheKey(credentials);
        if (TryGetUsable(key, rejectedToken, out var token))
        {
            _last = new LastToken(credentials, token);
            return token.AccessToken;
        }

        ThrowIfRecentlyRefused(key);

        await _refreshGate.WaitAsync(cancellationToken);
        try
        {
            if (TryGetUsable(key, rejectedToken, out token))
            {
                _last = new LastToken(credentials, token);
                return token.AccessToken;
            }

            ThrowIfRecentlyRefused(key);
            CachedToken fresh;
            try
            {
                fresh = await RequestTokenAsync(credentials, cancellationToken);
                metrics.TokenRequested("issued");
            }
            catch (SinchUnavailableException)
            {
                metrics.TokenRequested("failed");
                throw;
            }
            catch (SinchAuthenticationException ex)
            {
                metrics.TokenRequested("refused");
                _tokens.TryRemove(key, out _);
                _last = null;
                _refusedKeys[key] = (time.GetUtcNow() + RefusedKeyBackoff, (int?)ex.StatusCode ?? 401);
                throw;
            }

            _refusedKeys.TryRemove(key, out _);
            _tokens[key] = fresh;
            _last = new LastToken(credentials, fresh);
            return fresh.AccessToken;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    public void Dispose() => _refreshGate.Dispose();

    private void ThrowIfRecentlyRefused(string key)
    {
        if (_refusedKeys.TryGetValue(key, out var refused) && time.GetUtcNow() < refused.Until)
        {
            throw new SinchAuthenticationException(
                $"The Sinch auth server refused this access key (HTTP {refused.Status}); it is not offered again before {refused.Until:O}.", (HttpStatusCode)refused.Status, null);
        }
    }

    private bool TryGetUsable(string key, string? rejectedToken, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CachedToken? token) =>
        _tokens.TryGetValue(key, out token) && IsUsable(token, rejectedToken);

    private bool IsUsable(CachedToken token, string? rejectedToken) =>
        token.AccessToken != rejectedToken && time.GetUtcNow() < token.ExpiresAt - options.Value.TokenRefreshMargin;

    // The secret is part of the key so that a rotated secret with the same key id gets its own token.
    // Hashed once per credentials object (stores hand out the same object until the values change).
    private string CacheKey(SinchCredentials credentials) =>
        _cacheKeys.GetValue(credentials, static c =>
            Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"{c.KeyId}\n{c.KeySecret}"))));

    private async Task<CachedToken> RequestTokenAsync(SinchCredentials credentials, CancellationToken cancellationToken)
    {
        var client = httpClientFactory.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Value.ResolveAuthBaseUrl(), "oauth2/token"))
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = SinchAuthenticationHandler.BasicHeader(credentials);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new SinchUnavailableException("The Sinch auth server could not be reached.", null, null, null, ex);
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest)
            {
                throw new SinchAuthenticationException(
                    $"The Sinch auth server refused the access key (HTTP {(int)response.StatusCode}).", response.StatusCode, null);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new SinchUnavailableException(
                    $"The Sinch auth server answered HTTP {(int)response.StatusCode}.", response.StatusCode, null, RetryAfter.From(response, time));
            }

            var body = await response.Content.ReadFromJsonAsync(SinchJsonContext.Default.OAuthTokenResponse, cancellationToken);
            if (string.IsNullOrEmpty(body?.AccessToken))
            {
                throw new SinchUnavailableException("The Sinch auth server answered without an access_token.", response.StatusCode, null, null);
            }

            var lifetime = TimeSpan.FromSeconds(body.ExpiresIn is > 0 ? body.ExpiresIn.Value : 3600);
            LogGotToken(logger, lifetime);
            return new CachedToken(body.AccessToken, time.GetUtcNow() + lifetime);
        }
    }

    private sealed record CachedToken(string AccessToken, DateTimeOffset ExpiresAt);

    private sealed record LastToken(SinchCredentials Credentials, CachedToken Token);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Got a Sinch OAuth token valid for {Lifetime}.")]
    private static partial void LogGotToken(ILogger logger, TimeSpan lifetime);
}
