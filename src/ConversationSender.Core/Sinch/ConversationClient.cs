using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ConversationSender.RateLimiting;
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
public sealed class ConversationClient(
    HttpClient httpClient, SendResiliencePipeline resilience, ISinchCredentialStore credentialStore, TimeProvider time)
{
    /// <summary>The settings to fix when Sinch refuses the access key.</summary>
    public string AccessKeySettingNames => credentialStore.AccessKeySettingNames;

    /// <summary>Sends one message as the app in the credential store; <c>app_id</c> is filled in here.</summary>
    /// <exception cref="SinchRejectedException">Sinch refused the message for good.</exception>
    /// <exception cref="SinchAuthenticationException">Sinch refused the access key, also after reading it again.</exception>
    /// <exception cref="SinchUnavailableException">Sinch was busy, failing or unreachable.</exception>
    /// <remarks>The credential store's own exceptions (misconfigured, unavailable) pass through.</remarks>
    public async Task<SendMessageResponse> SendAsync(SendMessageRequest message, SendPriority priority, CancellationToken cancellationToken)
    {
        var credentials = await credentialStore.GetAsync(cancellationToken);
        var body = JsonSerializer.SerializeToUtf8Bytes(message with { AppId = credentials.AppId }, SinchJsonContext.Default.SendMessageRequest);
        var uri = new Uri($"v1/projects/{Uri.EscapeDataString(credentials.ProjectId)}/messages:send", UriKind.Relative);

        // A fresh request per attempt: a sent HttpRequestMessage cannot be sent again.
        var result = await resilience.SendAsync(httpClient, () => new SinchRequestMessage(HttpMethod.Post, uri, credentials)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            Headers = { Accept = { new MediaTypeWithQualityHeaderValue("application/json") } },
        }, priority, cancellationToken);
        if (result.Failure is { } failure)
        {
            throw DescribeSendFailure(failure, result.MayHaveReachedSinch) ?? Rethrown(failure);
        }

        using var answer = result.Answer!;
        return ReadSendAnswer(answer);
    }

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
            HttpStatusCode.TooManyRequests =>
                new SinchUnavailableException(summary, status, error, RetryAfter.From(answer, time)),
            HttpStatusCode.ServiceUnavailable =>
                new SinchUnavailableException(summary, status, error, RetryAfter.From(answer, time)) { SinchIsDown = true },
            HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError =>
                new SinchUnavailableException(summary, status, error, RetryAfter.From(answer, time), mayHaveBeenSent: true) { SinchIsDown = true },
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
            new SinchUnavailableException("Sinch did not answer in time; the message may or may not have been accepted.", null, null, null, exception, mayHaveBeenSent: true) { SinchIsDown = true },

        // Until the circuit may close again: a queued message's next attempt waits at least that long.
        BrokenCircuitException => new SinchUnavailableException("Sinch is failing; sends are paused for a moment (circuit open).", null, null, resilience.BreakDuration, exception) { SinchIsDown = true },
        RateLimiterRejectedException => new SinchUnavailableException("This instance's send rate limit is saturated.", null, null, resilience.BreakDuration, exception),

        // A connection that failed to open carried nothing; one that broke mid-request may have.
        HttpRequestException ex => new SinchUnavailableException($"Sinch could not be reached: {NetworkFailure.Describe(ex)}.", null, null, null, ex,
            mayHaveBeenSent: ex.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)) { SinchIsDown = true },
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
            throw new SinchUnavailableException($"Sinch's message list could not be reached: {NetworkFailure.Describe(ex)}.", null, null, null, ex);
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

    // Not an outcome of the send (a credential store's exception, a bug): thrown as it was, with its own stack.
    private static Exception Rethrown(Exception exception)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
        return exception;
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

}
