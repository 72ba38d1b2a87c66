using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace ConversationSender.Sinch;

/// <summary>
/// Retries, timeouts, circuit breaker and rate limit around one <c>messages:send</c>: total timeout → retry → circuit
/// breaker → rate limit → attempt timeout. An attempt sends a fresh request built by the caller and buffers the
/// answer within the attempt's time, and notes whether a failed attempt was with Sinch: only then may the message have
/// got through, which the caller's description of the failure is told.
/// <para>
/// The happy path does not pay for the layers it does not use. While the circuit is closed and the rate limiter has a
/// token at hand, the first attempt runs on its own, under one timer (the attempt timeout, or the total if shorter), and
/// its outcome is then recorded in the same circuit breaker, so the breaker counts every attempt as before (an accepted
/// one in a batch of successes, handed over before any failure is: see <c>TallyIsDue</c>). Only a
/// first attempt that failed in a way worth retrying enters the retry pipeline, which takes that outcome as its first
/// (for its back-off and <c>Retry-After</c>) and spends what is left of the total timeout. With the circuit open or
/// half-open, or the limiter empty, a send takes the whole pipeline from the start.
/// </para>
/// </summary>
public sealed class SendResiliencePipeline
{
    // What the retry pipeline's total timeout allows: the total, less what the first attempt took.
    private static readonly ResiliencePropertyKey<TimeSpan> RemainingTotal = new("conversation-sender.remaining-total");

    // True when the last attempt failed while its request was with Sinch.
    private static readonly ResiliencePropertyKey<bool> WithSinch = new("conversation-sender.request-with-sinch");

    // What a tallied success is, for the breaker: an answer its failure predicate does not handle.
    private static readonly Outcome<HttpResponseMessage> TalliedSuccess = Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.OK));

    // At most this many successes wait in the tally: the send that hands them over pays ~15 µs for it (0.24 µs each,
    // in a row, with warm caches), against a few µs per send for one recording at a time with cold caches.
    private const int TallyLimit = 64;

    private readonly SinchOptions _sinch;
    private readonly SendRateLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<CancellationTokenSource> _timeouts = new();
    private readonly ResiliencePipeline<HttpResponseMessage> _breaker;
    private readonly ResiliencePipeline<HttpResponseMessage> _attempt;
    private readonly ResiliencePipeline<HttpResponseMessage> _retries;

    // First attempts answered 2xx while the circuit was closed, counted here and handed to the breaker in batches:
    // see TallyIsDue.
    private readonly TimeSpan _tallyWithin;
    private int _tallied;
    private long _talliedSince;

    public SendResiliencePipeline(IOptions<SinchOptions> options, SendRateLimiter limiter, ResilienceTime time)
    {
        _sinch = options.Value;
        _limiter = limiter;
        _time = time.Provider;
        _breaker = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = _sinch.CircuitBreakerFailureRatio,
                MinimumThroughput = _sinch.CircuitBreakerMinimumThroughput,
                SamplingDuration = _sinch.CircuitBreakerSamplingDuration,
                BreakDuration = _sinch.CircuitBreakerBreakDuration,
                StateProvider = _circuit,
            })
            .Build();

        var attempt = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }.AddPipeline(_breaker);
        if (limiter.IsEnabled)
        {
            attempt.AddRateLimiter(new RateLimiterStrategyOptions { RateLimiter = args => limiter.AcquireAsync(args.Context.CancellationToken) });
        }

        _attempt = attempt.AddTimeout(_sinch.AttemptTimeout).Build();

        var retries = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }.AddTimeout(new TimeoutStrategyOptions
        {
            TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(RemainingTotal, _sinch.TotalTimeout)),
        });
        if (_sinch.MaxRetries > 0)
        {
            var sinch = _sinch;
            retries.AddRetry(new HttpRetryStrategyOptions
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

        _retries = retries.Build();

        // The breaker ages its counts out a tenth of its sampling window at a time: a batch handed over within that
        // is as precise as the breaker itself.
        _tallyWithin = _sinch.CircuitBreakerSamplingDuration / 10;
    }

    /// <summary>How long sends fail fast once the circuit opens: the least a caller should wait before trying again.</summary>
    public TimeSpan BreakDuration => _sinch.CircuitBreakerBreakDuration;

    /// <summary>
    /// Sends the request <paramref name="createRequest"/> builds, once or more, under the send's policies, and reads
    /// Sinch's last answer (its body buffered) with <paramref name="readAnswer"/>. An exception that ended the send
    /// (<see cref="TimeoutRejectedException"/>, <see cref="BrokenCircuitException"/>,
    /// <see cref="RateLimiterRejectedException"/>, or what the attempt threw) is thrown as
    /// <paramref name="describeFailure"/> describes it, told whether the last attempt was with Sinch (only then may the
    /// message have got through); null leaves it as it is. The caller's cancellation is thrown as it is.
    /// </summary>
    /// <remarks>
    /// One async frame on the happy path, the send's only one below <see cref="Sending.SendService"/> besides the auth
    /// handler: the first attempt is made here, not in a callback, and the answer read here, because on real sockets
    /// every frame suspends and resumes with cold caches.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<TResult> SendAsync<TState, TResult>(
        HttpMessageInvoker sender,
        Func<TState, SinchRequestMessage> createRequest,
        Func<HttpResponseMessage, TState, TResult> readAnswer,
        Func<Exception, bool, TState, Exception?> describeFailure,
        TState state,
        CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        var attempt = new Attempt<TState>(sender, createRequest, state);
        Outcome<HttpResponseMessage> outcome = default;
        try
        {
            if (_circuit.CircuitState != CircuitState.Closed || !_limiter.TryAcquireNow())
            {
                outcome = await RunRetriesAsync(attempt, context, first: null, _sinch.TotalTimeout);
            }
            else
            {
                var started = _time.GetTimestamp();
                var budget = _sinch.AttemptTimeout < _sinch.TotalTimeout ? _sinch.AttemptTimeout : _sinch.TotalTimeout;
                var timeout = RentTimeout();
                using (cancellationToken.UnsafeRegister(static cts => ((CancellationTokenSource)cts!).Cancel(), timeout))
                using (var timer = _time == TimeProvider.System ? null : _time.CreateTimer(static cts => ((CancellationTokenSource)cts!).Cancel(), timeout, budget, Timeout.InfiniteTimeSpan))
                {
                    if (timer is null)
                    {
                        timeout.CancelAfter(budget);
                    }

                    var request = createRequest(state);
                    HttpResponseMessage? response = null;
                    try
                    {
                        response = await sender.SendAsync(request, timeout.Token);
                        await response.Content.LoadIntoBufferAsync(timeout.Token);
                        outcome = Outcome.FromResult(response);
                    }
                    catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        Failed(context, request, response, ex);
                        outcome = Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException($"The attempt did not complete within {budget}.", budget, ex));
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        Failed(context, request, response, ex);
                        outcome = Outcome.FromException<HttpResponseMessage>(ex);
                    }
                    catch (OperationCanceledException ex)
                    {
                        Failed(context, request, response, ex);
                        throw;
                    }
                }

                ReturnTimeout(timeout);

                // The breaker counts this attempt as if it had run inside it: an accepted one in the next batch of
                // successes, anything else at once, after the successes before it.
                if (outcome.Result is { IsSuccessStatusCode: true } && _circuit.CircuitState == CircuitState.Closed)
                {
                    if (TallyIsDue(started))
                    {
                        await RecordTalliedAsync(context, started);
                    }

                    Tally(started);
                }
                else
                {
                    await RecordTalliedAsync(context, _time.GetTimestamp());
                    await _breaker.ExecuteOutcomeAsync(static (_, known) => ValueTask.FromResult(known), context, outcome);
                }

                // Only a failure worth retrying enters the retry pipeline, which takes it as its first attempt, within
                // what is left of the total (the clock is read only then, not on every successful send).
                if (_sinch.MaxRetries > 0 && ShouldRetry(outcome, _sinch)
                    && _sinch.TotalTimeout - _time.GetElapsedTime(started) is var remaining && remaining > TimeSpan.Zero)
                {
                    outcome = await RunRetriesAsync(attempt, context, outcome, remaining);
                }
            }

            outcome.ThrowIfException();
            return readAnswer(outcome.Result!, state);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            && describeFailure(ex, context.Properties.GetValue(WithSinch, false), state) is { } failure)
        {
            throw failure;
        }
        finally
        {
            outcome.Result?.Dispose();
            ResilienceContextPool.Shared.Return(context);
        }
    }

    // Polly's breaker counts an outcome through its whole pipeline (state lock, predicate, rolling window), the
    // costliest step of a successful send once the caches have gone cold waiting for the socket. Successes do not move
    // a closed circuit; they only weigh against the failures that may. So a success joins a tally, handed to the
    // breaker before any other outcome is (the failure's ratio sees every success before it) and before a success
    // joins a tally of TallyLimit, or one whose oldest is _tallyWithin old. Races can at worst hand a batch over early.
    private bool TallyIsDue(long now)
    {
        var count = Volatile.Read(ref _tallied);
        return count >= TallyLimit || (count > 0 && _time.GetElapsedTime(Volatile.Read(ref _talliedSince), now) >= _tallyWithin);
    }

    private void Tally(long started)
    {
        if (Interlocked.Increment(ref _tallied) == 1)
        {
            Volatile.Write(ref _talliedSince, started);
        }
    }

    private async ValueTask RecordTalliedAsync(ResilienceContext context, long now)
    {
        var since = Volatile.Read(ref _talliedSince);
        var count = Interlocked.Exchange(ref _tallied, 0);

        // Successes older than the breaker's window, or tallied before an opening it has not closed again since, no
        // longer count: Polly would have dropped them too (and one handed to a half-open circuit would pass for its
        // probe). A failure that opens the circuit is recorded after the tally before it, so no tally outlives a close (but
        // for a race: the success of a send still in flight as the circuit opens).
        if (count == 0 || _circuit.CircuitState != CircuitState.Closed || _time.GetElapsedTime(since, now) >= _sinch.CircuitBreakerSamplingDuration)
        {
            return;
        }

        for (var i = 0; i < count; i++)
        {
            await _breaker.ExecuteOutcomeAsync(static (_, known) => ValueTask.FromResult(known), context, TalliedSuccess);
        }
    }

    // Not a connection that never opened, nor a wait for a token or the vault: those carried nothing. An answer whose
    // body did not arrive came from Sinch, which had the message.
    private static void Failed(ResilienceContext context, SinchRequestMessage request, HttpResponseMessage? response, Exception exception)
    {
        context.Properties.Set(WithSinch, response is not null || (request.WasOnTheWire
            && exception is not HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }));
        response?.Dispose();
    }

    // One timer source per concurrent first attempt, reset and reused (as Polly pools its own): a send allocates none.
    private CancellationTokenSource RentTimeout() => _timeouts.TryDequeue(out var pooled) ? pooled : new CancellationTokenSource();

    private void ReturnTimeout(CancellationTokenSource timeout)
    {
        if (timeout.TryReset() && _timeouts.Count < 1024)
        {
            _timeouts.Enqueue(timeout);
        }
        else
        {
            timeout.Dispose();
        }
    }

    private async ValueTask<Outcome<HttpResponseMessage>> RunRetriesAsync<TState>(
        Attempt<TState> attempt, ResilienceContext context, Outcome<HttpResponseMessage>? first, TimeSpan total)
    {
        context.Properties.Set(RemainingTotal, total);
        var retry = new RetryState<TState>(this, attempt, first);
        var outcome = await _retries.ExecuteOutcomeAsync(static (ctx, retry) => retry.NextAsync(ctx), context, retry);
        if (outcome.Exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            outcome.ThrowIfException();
        }

        return outcome;
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

    // What an attempt needs: a request built afresh each time, and where to send it.
    private readonly record struct Attempt<TState>(HttpMessageInvoker Sender, Func<TState, SinchRequestMessage> CreateRequest, TState State)
    {
        // The same attempt as the first, for the retry pipeline (whose own strategies time it and count it).
        public async ValueTask<Outcome<HttpResponseMessage>> SendAsync(ResilienceContext context)
        {
            var request = CreateRequest(State);
            HttpResponseMessage? response = null;
            try
            {
                response = await Sender.SendAsync(request, context.CancellationToken);
                await response.Content.LoadIntoBufferAsync(context.CancellationToken);
                return Outcome.FromResult(response);
            }
            catch (Exception ex)
            {
                Failed(context, request, response, ex);
                return Outcome.FromException<HttpResponseMessage>(ex);
            }
        }
    }

    // The retry pipeline's callback: the first attempt's outcome once, if there was one, then real attempts.
    private sealed class RetryState<TState>(SendResiliencePipeline owner, Attempt<TState> attempt, Outcome<HttpResponseMessage>? first)
    {
        private Outcome<HttpResponseMessage>? _first = first;

        public ValueTask<Outcome<HttpResponseMessage>> NextAsync(ResilienceContext context)
        {
            if (_first is { } known)
            {
                _first = null;
                return ValueTask.FromResult(known);
            }

            return owner._attempt.ExecuteOutcomeAsync(static (ctx, attempt) => attempt.SendAsync(ctx), context, attempt);
        }
    }
}
