using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ConversationSender.Sinch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConversationSender.UnitTests.Sinch;

/// <summary>
/// Both kinds of refusal live in the authentication handler: a refused token is replaced (no credential read), a
/// refused key is read again once. Sinch here is an in-memory handler: no sockets.
/// </summary>
public sealed class SinchAuthenticationHandlerTests
{
    private static readonly SinchCredentials Retired = new("project", "app", "key-1", "secret-1");
    private static readonly SinchCredentials Current = new("project", "app", "key-2", "secret-2");

    [Fact]
    public async Task A_revoked_token_is_replaced_without_reading_the_credentials_again()
    {
        var sinch = new InMemorySinch(Current);
        var store = new CountingStore(Current, Current);
        using var invoker = Build(sinch, store, SinchAuthMode.OAuth2);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(invoker)).StatusCode);
        sinch.RevokeTokens();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(invoker)).StatusCode);

        Assert.Equal(2, sinch.TokenRequests);
        Assert.Equal(0, store.Refreshes);
        Assert.Equal(3, sinch.ApiRequests); // ok, refused, ok with the new token
    }

    [Fact]
    public async Task A_rotated_key_is_read_again_once_and_used()
    {
        var sinch = new InMemorySinch(Current);
        var store = new CountingStore(Retired, Current);
        using var invoker = Build(sinch, store, SinchAuthMode.OAuth2);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(invoker, Retired)).StatusCode);

        Assert.Equal(1, store.Refreshes);
        Assert.Equal(2, sinch.TokenRequests); // the retired key's, refused; the current key's
        Assert.Equal(1, sinch.ApiRequests);
    }

    [Theory]
    [InlineData(true, HttpStatusCode.OK, 2)]
    [InlineData(false, HttpStatusCode.Unauthorized, 2)]
    public async Task A_basic_key_refused_is_read_again_once(bool rotatedInTheStore, HttpStatusCode answer, int apiRequests)
    {
        var sinch = new InMemorySinch(Current);
        var store = new CountingStore(Retired, rotatedInTheStore ? Current : Retired);
        using var invoker = Build(sinch, store, SinchAuthMode.Basic);

        Assert.Equal(answer, (await SendAsync(invoker, Retired)).StatusCode);

        Assert.Equal(1, store.Refreshes);
        Assert.Equal(apiRequests, sinch.ApiRequests);
        Assert.Equal(0, sinch.TokenRequests);
    }

    [Fact]
    public async Task A_failure_while_reading_the_key_again_was_not_on_the_wire()
    {
        var sinch = new InMemorySinch(Current);
        var store = new CountingStore(Retired, Current) { RefreshFailure = new TimeoutException("vault slow") };
        using var invoker = Build(sinch, store, SinchAuthMode.Basic);
        using var request = Request(Retired);

        await Assert.ThrowsAsync<TimeoutException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.False(request.WasOnTheWire);
    }

    [Fact]
    public async Task A_failure_while_with_Sinch_was_on_the_wire()
    {
        var sinch = new InMemorySinch(Current) { Failure = new HttpRequestException("reset", null, HttpStatusCode.OK) };
        using var invoker = Build(sinch, new CountingStore(Current, Current), SinchAuthMode.Basic);
        using var request = Request(Current);

        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.True(request.WasOnTheWire);
    }

    private static HttpMessageInvoker Build(InMemorySinch sinch, ISinchCredentialStore store, SinchAuthMode mode)
    {
        var options = Options.Create(new SinchOptions { AuthMode = mode });
        var services = new ServiceCollection().AddMetrics();
        services.AddHttpClient(OAuthTokenProvider.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => sinch);
        var provider = services.BuildServiceProvider();
        var tokens = new OAuthTokenProvider(
            provider.GetRequiredService<IHttpClientFactory>(), options, TimeProvider.System,
            new ConversationSender.Telemetry.SenderMetrics(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            NullLogger<OAuthTokenProvider>.Instance);
        var handler = new SinchAuthenticationHandler(tokens, store, options, NullLogger<SinchAuthenticationHandler>.Instance) { InnerHandler = sinch };
        return new HttpMessageInvoker(handler);
    }

    private static SinchRequestMessage Request(SinchCredentials credentials) =>
        new(HttpMethod.Post, new Uri("https://sinch.invalid/v1/projects/project/messages:send"), credentials) { Content = new StringContent("{}") };

    private static async Task<HttpResponseMessage> SendAsync(HttpMessageInvoker invoker, SinchCredentials? credentials = null)
    {
        using var request = Request(credentials ?? Current);
        return await invoker.SendAsync(request, CancellationToken.None);
    }

    private sealed class CountingStore(SinchCredentials held, SinchCredentials afterRefresh) : ISinchCredentialStore
    {
        public int Refreshes { get; private set; }

        public Exception? RefreshFailure { get; init; }

        public string AccessKeySettingNames => "Sinch:KeyId, Sinch:KeySecret";

        public ValueTask<SinchCredentials> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(held);

        public ValueTask<SinchCredentials> RefreshAsync(SinchCredentials rejected, CancellationToken cancellationToken)
        {
            Refreshes++;
            return RefreshFailure is { } failure ? ValueTask.FromException<SinchCredentials>(failure) : ValueTask.FromResult(afterRefresh);
        }
    }

    /// <summary>Sinch's token endpoint and API in memory: only <c>valid</c>'s key is known, tokens can be revoked.</summary>
    private sealed class InMemorySinch(SinchCredentials valid) : HttpMessageHandler
    {
        private readonly HashSet<string> _tokens = [];

        public int TokenRequests { get; private set; }

        public int ApiRequests { get; private set; }

        public Exception? Failure { get; init; }

        public void RevokeTokens() => _tokens.Clear();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var basic = SinchAuthenticationHandler.BasicHeader(valid).ToString();
            var authorization = request.Headers.Authorization?.ToString();
            if (request.RequestUri!.AbsolutePath == "/oauth2/token")
            {
                TokenRequests++;
                if (authorization != basic)
                {
                    return Answer(HttpStatusCode.Unauthorized);
                }

                var token = $"token-{TokenRequests}";
                _tokens.Add(token);
                return Answer(HttpStatusCode.OK, $$"""{"access_token":"{{token}}","expires_in":3600,"token_type":"bearer"}""");
            }

            ApiRequests++;
            if (Failure is { } failure)
            {
                return Task.FromException<HttpResponseMessage>(failure);
            }

            var accepted = authorization == basic || (request.Headers.Authorization is { Scheme: "Bearer", Parameter: { } bearer } && _tokens.Contains(bearer));
            return Answer(accepted ? HttpStatusCode.OK : HttpStatusCode.Unauthorized);
        }

        private static Task<HttpResponseMessage> Answer(HttpStatusCode status, string json = "{}") =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) });
    }
}
