using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace ConversationSender.Sinch;

/// <summary>The part of the Sinch Conversation API this product uses: <c>messages:send</c>.</summary>
/// <remarks>
/// Retries, timeouts, circuit breaker and rate limit: <see cref="SendResiliencePipeline"/>, around the attempts.
/// Authentication: <see cref="SinchAuthenticationHandler"/>, a handler of the typed <see cref="HttpClient"/>.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The invoker does not own the factory's handler (disposeHandler: false); disposing it would release nothing.")]
public sealed class ConversationClient(
    HttpClient httpClient, IHttpMessageHandlerFactory handlers, SendResiliencePipeline resilience, ISinchCredentialStore credentialStore, TimeProvider time)
{
    private static ProjectUri? _sendUri;

    // A send goes to the typed client's handler chain (auth handler, pooled sockets: its lifetime is infinite) without
    // HttpClient around it, which would add an async frame and a linked cancellation source per send for a timeout
    // and response buffering that the pipeline's attempt already does.
    private readonly HttpMessageInvoker _sender = new(handlers.CreateHandler(nameof(ConversationClient)), disposeHandler: false);

    /// <summary>The settings to fix when Sinch refuses the access key.</summary>
    public string AccessKeySettingNames => credentialStore.AccessKeySettingNames;

    /// <summary>Sends one message as the app in the credential store; <c>app_id</c> is filled in here.</summary>
    /// <exception cref="SinchRejectedException">Sinch refused the message for good.</exception>
    /// <exception cref="SinchAuthenticationException">Sinch refused the access key, also after reading it again.</exception>
    /// <exception cref="SinchUnavailableException">Sinch was busy, failing or unreachable.</exception>
    /// <remarks>The credential store's own exceptions (misconfigured, unavailable) pass through.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<SendMessageResponse> SendAsync(SendMessageRequest message, CancellationToken cancellationToken)
    {
        var credentials = await credentialStore.GetAsync(cancellationToken);
        var body = JsonSerializer.SerializeToUtf8Bytes(message with { AppId = credentials.AppId }, SinchJsonContext.Default.SendMessageRequest);

        HttpResponseMessage response;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await resilience.SendAsync(
                _sender,
                static state =>
                {
                    // A fresh request per attempt: a sent HttpRequestMessage cannot be sent again.
                    // Headers as strings: written to the wire as they are, without parsing them into header objects per send.
                    var content = new ByteArrayContent(state.Body);
                    content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
                    var request = new SinchRequestMessage(HttpMethod.Post, SendUri(state.BaseAddress, state.Credentials.ProjectId), state.Credentials) { Content = content };
                    request.Headers.TryAddWithoutValidation("Accept", "application/json");
                    return request;
                },
                (BaseAddress: httpClient.BaseAddress, Body: body, Credentials: credentials),
                context);
            outcome.ThrowIfException();
            response = outcome.Result!;
        }
        catch (TimeoutRejectedException ex) when (!SendResiliencePipeline.LastAttemptWasWithSinch(context))
        {
            // The time ran out while no request was on the wire (waiting for the rate limiter or a retry delay, after
            // answers that said "not processed"): nothing can have reached Sinch.
            throw new SinchUnavailableException("Sinch:TotalTimeout ran out while the send waited (for this instance's rate limit or a retry); it was not sent.", null, null, null, ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new SinchUnavailableException("Sinch did not answer in time; the message may or may not have been accepted.", null, null, null, ex, mayHaveBeenSent: true);
        }
        catch (BrokenCircuitException ex)
        {
            // Until the circuit may close again: a queued message's next attempt waits at least that long.
            throw new SinchUnavailableException("Sinch is failing; sends are paused for a moment (circuit open).", null, null, resilience.BreakDuration, ex);
        }
        catch (RateLimiterRejectedException ex)
        {
            throw new SinchUnavailableException("This instance's send rate limit is saturated.", null, null, resilience.BreakDuration, ex);
        }
        catch (HttpRequestException ex)
        {
            // A connection that failed to open carried nothing; one that broke mid-request may have.
            var reachedSinch = ex.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError);
            throw new SinchUnavailableException($"Sinch could not be reached ({ex.HttpRequestError}).", null, null, null, ex, reachedSinch);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SinchUnavailableException("Sinch did not answer in time; the message may or may not have been accepted.", null, null, null, ex, mayHaveBeenSent: true);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                // Taken, even when the body lacks the id or is not JSON: the caller must not send it again.
                return await ReadJsonAsync(response, SinchJsonContext.Default.SendMessageResponse, cancellationToken) ?? new SendMessageResponse();
            }

            var error = await ReadErrorAsync(response, cancellationToken);
            var status = response.StatusCode;
            var summary = $"Sinch answered HTTP {(int)status}{(error?.Status is { } s ? " " + s : "")}{(error?.Message is { } m ? ": " + m : "")}";
            throw status switch
            {
                HttpStatusCode.Unauthorized => new SinchAuthenticationException(summary, status, error),
                HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable =>
                    new SinchUnavailableException(summary, status, error, RetryAfter.From(response, time)),
                HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError =>
                    new SinchUnavailableException(summary, status, error, RetryAfter.From(response, time), mayHaveBeenSent: true),
                _ => new SinchRejectedException(summary, status, error),
            };
        }
    }

    /// <summary>
    /// One page of the messages Sinch took for <paramref name="identity"/> between two accept times (newest Sinch
    /// sets the order), for reconciling an ambiguous send. No retries: the caller decides what an answer means.
    /// </summary>
    /// <exception cref="SinchApiException">The list refused (403/404: reconciliation unavailable) or failed.</exception>
    public async Task<ListMessagesResponse> ListMessagesAsync(
        string identity, DateTimeOffset from, DateTimeOffset to, string? pageToken, string messagesSource, CancellationToken cancellationToken)
    {
        var credentials = await credentialStore.GetAsync(cancellationToken);
        var query = $"app_id={Uri.EscapeDataString(credentials.AppId)}&channel_identity={Uri.EscapeDataString(identity)}"
            + $"&start_time={Uri.EscapeDataString(from.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}"
            + $"&end_time={Uri.EscapeDataString(to.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}"
            + $"&page_size=1000&messages_source={Uri.EscapeDataString(messagesSource)}"
            + (string.IsNullOrEmpty(pageToken) ? "" : $"&page_token={Uri.EscapeDataString(pageToken)}");
        using var request = new SinchRequestMessage(HttpMethod.Get, new Uri($"v1/projects/{Uri.EscapeDataString(credentials.ProjectId)}/messages?{query}", UriKind.Relative), credentials);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new SinchUnavailableException($"Sinch's message list could not be reached ({ex.HttpRequestError}).", null, null, null, ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await ReadErrorAsync(response, cancellationToken);
                throw new SinchUnavailableException($"Sinch's message list answered HTTP {(int)response.StatusCode}.", response.StatusCode, error, null);
            }

            return await ReadJsonAsync(response, SinchJsonContext.Default.ListMessagesResponse, cancellationToken) ?? new ListMessagesResponse();
        }
    }

    // Absolute and built once per region and project, not per send: HttpClient would otherwise combine a relative URI
    // with its base address, parsing both, on every request. (Relative, "v1/..." must lead: new Uri(base,
    // "messages:send") would read "messages" as a URI scheme.)
    private static Uri SendUri(Uri? baseAddress, string projectId)
    {
        var cached = _sendUri;
        if (cached is null || cached.ProjectId != projectId || !ReferenceEquals(cached.BaseAddress, baseAddress))
        {
            var path = new Uri($"v1/projects/{Uri.EscapeDataString(projectId)}/messages:send", UriKind.Relative);
            _sendUri = cached = new ProjectUri(baseAddress, projectId, baseAddress is null ? path : new Uri(baseAddress, path));
        }

        return cached.Uri;
    }

    private static async Task<SinchError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Gateways answer errors in HTML or plain text; only Sinch's own JSON is worth reading.
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            var wrapped = JsonSerializer.Deserialize(bytes, SinchJsonContext.Default.SinchErrorEnvelope);
            return wrapped?.Error ?? JsonSerializer.Deserialize(bytes, SinchJsonContext.Default.SinchError);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The answer is small: read it whole and parse it synchronously (cheaper than the streaming reader).
    private static async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(cancellationToken), type);
        }
        catch (JsonException ex)
        {
            throw new SinchUnavailableException("Sinch answered 2xx with a body that is not the expected JSON.", response.StatusCode, null, null, ex);
        }
    }

    private sealed record ProjectUri(Uri? BaseAddress, string ProjectId, Uri Uri);
}
