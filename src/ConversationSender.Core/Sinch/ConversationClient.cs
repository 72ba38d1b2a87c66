using System.Diagnostics;
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
    /// <remarks>
    /// The credential store's own exceptions (misconfigured, unavailable) pass through. No async frame of its own
    /// while the credentials are at hand (nearly always): the pipeline's frame sends, reads the answer and describes
    /// a failure with this class's functions.
    /// </remarks>
    public ValueTask<SendMessageResponse> SendAsync(SendMessageRequest message, CancellationToken cancellationToken)
    {
        var credentials = credentialStore.GetAsync(cancellationToken);
        return credentials.IsCompletedSuccessfully
            ? Send(message, credentials.Result, cancellationToken)
            : SendWhenReadAsync(message, credentials, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SendMessageResponse> SendWhenReadAsync(SendMessageRequest message, ValueTask<SinchCredentials> credentials, CancellationToken cancellationToken) =>
        await Send(message, await credentials, cancellationToken);

    private ValueTask<SendMessageResponse> Send(SendMessageRequest message, SinchCredentials credentials, CancellationToken cancellationToken) =>
        resilience.SendAsync(
            _sender,
            static call =>
            {
                // A fresh request per attempt: a sent HttpRequestMessage cannot be sent again.
                // Headers as strings: written to the wire as they are, without parsing them into header objects per send.
                var content = new ByteArrayContent(call.Body);
                content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
                var request = new SinchRequestMessage(HttpMethod.Post, SendUri(call.BaseAddress, call.Credentials.ProjectId), call.Credentials) { Content = content };
                request.Headers.TryAddWithoutValidation("Accept", "application/json");
                return request;
            },
            static (answer, call) => call.Client.ReadSendAnswer(answer),
            static (exception, withSinch, call) => call.Client.DescribeSendFailure(exception, withSinch),
            new SendCall(this, httpClient.BaseAddress, JsonSerializer.SerializeToUtf8Bytes(message with { AppId = credentials.AppId }, SinchJsonContext.Default.SendMessageRequest), credentials),
            cancellationToken);

    private SendMessageResponse ReadSendAnswer(HttpResponseMessage answer)
    {
        if (answer.IsSuccessStatusCode)
        {
            // Taken, even when the body lacks the id or is not JSON: the caller must not send it again.
            return TryReadJson(answer, SinchJsonContext.Default.SendMessageResponse, out var sent) && sent is not null ? sent : new SendMessageResponse();
        }

        var error = ReadError(answer);
        var status = answer.StatusCode;
        var summary = $"Sinch answered HTTP {(int)status}{(error?.Status is { } s ? " " + s : "")}{(error?.Message is { } m ? ": " + m : "")}";
        throw status switch
        {
            HttpStatusCode.Unauthorized => new SinchAuthenticationException(summary, status, error),
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable =>
                new SinchUnavailableException(summary, status, error, RetryAfter.From(answer, time)),
            HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError =>
                new SinchUnavailableException(summary, status, error, RetryAfter.From(answer, time), mayHaveBeenSent: true),
            _ => new SinchRejectedException(summary, status, error),
        };
    }

    // What ended a send without an answer to read, as the exception this client documents; null: not one of those
    // (the credential store's exceptions, a bug), which passes through as it is.
    private SinchUnavailableException? DescribeSendFailure(Exception exception, bool lastAttemptWithSinch) => exception switch
    {
        // The time ran out while no request was on the wire (waiting for the rate limiter or a retry delay, after
        // answers that said "not processed"): nothing can have reached Sinch.
        TimeoutRejectedException when !lastAttemptWithSinch =>
            new SinchUnavailableException("Sinch:TotalTimeout ran out while the send waited (for this instance's rate limit or a retry); it was not sent.", null, null, null, exception),
        TimeoutRejectedException or OperationCanceledException =>
            new SinchUnavailableException("Sinch did not answer in time; the message may or may not have been accepted.", null, null, null, exception, mayHaveBeenSent: true),

        // Until the circuit may close again: a queued message's next attempt waits at least that long.
        BrokenCircuitException => new SinchUnavailableException("Sinch is failing; sends are paused for a moment (circuit open).", null, null, resilience.BreakDuration, exception),
        RateLimiterRejectedException => new SinchUnavailableException("This instance's send rate limit is saturated.", null, null, resilience.BreakDuration, exception),

        // A connection that failed to open carried nothing; one that broke mid-request may have.
        HttpRequestException ex => new SinchUnavailableException($"Sinch could not be reached ({ex.HttpRequestError}).", null, null, null, ex,
            mayHaveBeenSent: ex.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)),
        _ => null,
    };

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
                throw new SinchUnavailableException($"Sinch's message list answered HTTP {(int)response.StatusCode}.", response.StatusCode, ReadError(response), null);
            }

            return TryReadJson(response, SinchJsonContext.Default.ListMessagesResponse, out var page)
                ? page ?? new ListMessagesResponse()
                : throw new SinchUnavailableException("Sinch's message list answered 2xx with a body that is not the expected JSON.", response.StatusCode, null, null);
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

    private static SinchError? ReadError(HttpResponseMessage response)
    {
        // Gateways answer errors in HTML or plain text; only Sinch's own JSON is worth reading.
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }

        return TryReadJson(response, SinchJsonContext.Default.SinchErrorEnvelope, out var wrapped) && wrapped?.Error is { } error
            ? error
            : TryReadJson(response, SinchJsonContext.Default.SinchError, out var bare) ? bare : null;
    }

    // Only for an answer read whole already (the attempt buffers it; HttpClient does by default): the task is complete.
    private static bool TryReadJson<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, out T? value)
    {
        var read = response.Content.ReadAsByteArrayAsync();
        Debug.Assert(read.IsCompleted, "The answer's body is buffered.");
        try
        {
            value = JsonSerializer.Deserialize(read.GetAwaiter().GetResult(), type);
            return true;
        }
        catch (JsonException)
        {
            value = default;
            return false;
        }
    }

    private readonly record struct SendCall(ConversationClient Client, Uri? BaseAddress, byte[] Body, SinchCredentials Credentials);

    private sealed record ProjectUri(Uri? BaseAddress, string ProjectId, Uri Uri);
}
