using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.RateLimiting;
using Polly.Timeout;

namespace ConversationSender.Sinch;

/// <summary>
/// Retries, timeouts, circuit breaker and rate limit around one <c>messages:send</c>, in this order:
/// total timeout → retry → circuit breaker → rate limit → attempt timeout. Run by <see cref="ConversationClient"/>
/// around building and sending the request, so that each attempt sends a fresh request without the per-attempt
/// request copy an HTTP resilience handler has to make.
/// </summary>
public sealed class SendResiliencePipeline(IOptions<SinchOptions> options, SendRateLimiter limiter, ResilienceTime time)
{
    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; } = Build(options.Value, limiter, time.Provider);

    /// <summary>How long sends fail fast once the circuit opens: the least a caller should wait before trying again.</summary>
    public TimeSpan BreakDuration { get; } = options.Value.CircuitBreakerBreakDuration;

    private static ResiliencePipeline<HttpResponseMessage> Build(SinchOptions sinch, SendRateLimiter limiter, TimeProvider time)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        pipeline.AddTimeout(sinch.TotalTimeout);
        if (sinch.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = sinch.MaxRetries,
                Delay = sinch.RetryBaseDelay,
                MaxDelay = sinch.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, sinch)),
            });
        }

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = sinch.CircuitBreakerFailureRatio,
            MinimumThroughput = sinch.CircuitBreakerMinimumThroughput,
            SamplingDuration = sinch.CircuitBreakerSamplingDuration,
            BreakDuration = sinch.CircuitBreakerBreakDuration,
        });
        if (limiter.IsEnabled)
        {
            pipeline.AddRateLimiter(new RateLimiterStrategyOptions { RateLimiter = args => limiter.AcquireAsync(args.Context.CancellationToken) });
        }

        pipeline.AddTimeout(sinch.AttemptTimeout);
        return pipeline.Build();
    }

    // messages:send is not idempotent: by default only what Sinch cannot have processed is retried. A Retry-After
    // longer than we are willing to wait in-call goes back to the caller (HTTP 429/503, or a queue retry).
    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, SinchOptions sinch)
    {
        if (outcome.Result is { } response)
        {
            // Status first: this runs for every answer, and nearly all are successes.
            var retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                || (sinch.RetryAmbiguousFailures && response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout);
            if (!retryable)
            {
                return false;
            }

            var retryAfter = response.Headers.RetryAfter is { } header ? header.Delta ?? header.Date - DateTimeOffset.UtcNow : null;
            return retryAfter is null || retryAfter <= sinch.MaxRetryDelay;
        }

        return outcome.Exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
            HttpRequestException or TimeoutRejectedException => sinch.RetryAmbiguousFailures,
            _ => false,
        };
    }
}
