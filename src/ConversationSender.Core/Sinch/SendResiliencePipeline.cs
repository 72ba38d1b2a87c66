using System.Net;
using ConversationSender.RateLimiting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ConversationSender.Sinch;

/// <summary>
/// One Polly pipeline around <c>messages:send</c>: total timeout → retry (honouring <c>Retry-After</c>) → circuit
/// breaker → rate limit (the fleet budget's <see cref="SendBudget"/>, callers before a backlog) → attempt timeout.
/// Sinch's answer to each attempt goes back to the budget (a 429 cuts the rate). The standard strategies, with the
/// project's own two predicates: what is
/// worth retrying (<see cref="ShouldRetry"/>: messages:send is not idempotent) and whether a failed attempt may have
/// reached Sinch (<see cref="MayHaveReachedSinch"/>). Its circuit breaker is also the instance's one "Sinch is down"
/// state (<see cref="SinchIsDown"/>): while it is open nothing calls Sinch, and once a break is over its half-open state
/// lets exactly one send through as the probe.
/// </summary>
public sealed class SendResiliencePipeline
{
    // True when the last attempt failed while its request was with Sinch: only then may the message have got through.
    private static readonly ResiliencePropertyKey<bool> WithSinch = new("conversation-sender.request-with-sinch");

    // Which of the budget's queues an attempt waits in: set once per send, from the caller's priority.
    private static readonly ResiliencePropertyKey<SendPriority> Priority = new("conversation-sender.send-priority");

    private readonly SinchOptions _sinch;
    private readonly TimeProvider _time;
    private readonly SendBudget _budget;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    // When the current break ends, in ticks of the pipeline's clock; 0 while the circuit is closed. Polly moves an open
    // circuit to half-open only when a send comes, so its own state would read "open" forever to a caller that waits.
    private long _brokenUntilTicks;

    public SendResiliencePipeline(IOptions<SinchOptions> options, SendBudget budget, ResilienceTime time)
    {
        _budget = budget;
        var sinch = _sinch = options.Value;
        _time = time.Provider;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }.AddTimeout(sinch.TotalTimeout);
        if (sinch.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = sinch.MaxRetries,
                Delay = sinch.RetryBaseDelay,
                MaxDelay = sinch.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, sinch, _time)),
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = sinch.CircuitBreakerFailureRatio,
            MinimumThroughput = sinch.CircuitBreakerMinimumThroughput,
            SamplingDuration = sinch.CircuitBreakerSamplingDuration,
            BreakDuration = sinch.CircuitBreakerBreakDuration,
            OnOpened = args =>
            {
                Volatile.Write(ref _brokenUntilTicks, (_time.GetUtcNow() + args.BreakDuration).UtcTicks);
                return default;
            },
            OnClosed = _ =>
            {
                Volatile.Write(ref _brokenUntilTicks, 0);
                return default;
            },
        });
        builder.AddRateLimiter(new Polly.RateLimiting.RateLimiterStrategyOptions
        {
            RateLimiter = args => budget.Limiter(args.Context.Properties.GetValue(Priority, SendPriority.Caller)).AcquireAsync(1, args.Context.CancellationToken),
        });
        _pipeline = builder.AddTimeout(sinch.AttemptTimeout).Build();
    }

    /// <summary>How long sends fail fast once the circuit opens: the least a caller should wait before trying again.</summary>
    public TimeSpan BreakDuration => _sinch.CircuitBreakerBreakDuration;

    /// <summary>
    /// The circuit is open and its break is not over: a send now would fail fast without reaching Sinch. False once the
    /// break is over, so that the next send is the probe that closes the circuit again (or opens it for another break).
    /// </summary>
    public bool SinchIsDown => _time.GetUtcNow().UtcTicks < Volatile.Read(ref _brokenUntilTicks);

    /// <summary>
    /// Sends the request <paramref name="createRequest"/> builds (afresh per attempt), once or more, and says how it
    /// ended; the caller's cancellation is thrown as it is.
    /// </summary>
    public async Task<SendAttemptResult> SendAsync(HttpClient http, Func<SinchRequestMessage> createRequest, SendPriority priority, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(Priority, priority);
        try
        {
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) => await AttemptAsync(state.http, state.createRequest, state._budget, ctx),
                context,
                (http, createRequest, _budget));
            if (outcome.Exception is { } exception)
            {
                if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    outcome.ThrowIfException();
                }

                return new SendAttemptResult(null, exception, context.Properties.GetValue(WithSinch, false));
            }

            return new SendAttemptResult(outcome.Result, null, false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static async Task<Outcome<HttpResponseMessage>> AttemptAsync(HttpClient http, Func<SinchRequestMessage> createRequest, SendBudget budget, ResilienceContext context)
    {
        context.Properties.Set(WithSinch, false);
        using var request = createRequest();
        HttpResponseMessage? response = null;
        try
        {
            // Headers first, then the body under the same attempt: an answer whose body stalls came from Sinch.
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.CancellationToken);
            budget.Answered(response.StatusCode == HttpStatusCode.TooManyRequests);
            await response.Content.LoadIntoBufferAsync(context.CancellationToken);
            return Outcome.FromResult(response);
        }
        catch (Exception ex)
        {
            context.Properties.Set(WithSinch, MayHaveReachedSinch(request, response, ex));
            response?.Dispose();
            return Outcome.FromException<HttpResponseMessage>(ex);
        }
    }

    /// <summary>
    /// Not a connection that never opened, nor a wait for a token or the vault: those carried nothing. An answer
    /// whose body did not arrive came from Sinch, which had the message.
    /// </summary>
    internal static bool MayHaveReachedSinch(SinchRequestMessage request, HttpResponseMessage? response, Exception exception) =>
        response is not null || (request.WasOnTheWire
            && exception is not HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError });

    /// <summary>
    /// messages:send is not idempotent: by default only what Sinch cannot have processed is retried. A
    /// <c>Retry-After</c> longer than we are willing to wait in-call goes back to the caller (HTTP 429/503, or a queue retry).
    /// </summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, SinchOptions sinch, TimeProvider time)
    {
        if (outcome.Result is { } response)
        {
            var retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                || (sinch.RetryAmbiguousFailures && response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout);
            return retryable && !(RetryAfter.From(response, time) > sinch.MaxRetryDelay);
        }

        return outcome.Exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
            HttpRequestException or TimeoutRejectedException => sinch.RetryAmbiguousFailures,
            _ => false,
        };
    }
}
