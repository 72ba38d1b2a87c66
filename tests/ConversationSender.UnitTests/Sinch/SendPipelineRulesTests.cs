using System.Net;
using ConversationSender.Sinch;
using Polly;
using Polly.Timeout;

namespace ConversationSender.UnitTests.Sinch;

/// <summary>
/// The send pipeline's two predicates of its own: what is worth retrying (messages:send is not idempotent) and whether
/// a failed attempt may have reached Sinch; and what a network failure is called.
/// </summary>
public sealed class SendPipelineRulesTests
{
    private static readonly SinchOptions Defaults = new();

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    [InlineData(HttpStatusCode.BadGateway, false)]
    [InlineData(HttpStatusCode.GatewayTimeout, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.OK, false)]
    public void Only_answers_that_say_not_processed_are_retried_by_default(HttpStatusCode status, bool retried)
    {
        using var answer = new HttpResponseMessage(status);

        Assert.Equal(retried, SendResiliencePipeline.ShouldRetry(Outcome.FromResult(answer), Defaults, TimeProvider.System));
    }

    [Fact]
    public void Ambiguous_answers_and_failures_are_retried_only_when_the_operator_chose_it()
    {
        var opted = new SinchOptions { RetryAmbiguousFailures = true };
        using var serverError = new HttpResponseMessage(HttpStatusCode.InternalServerError);
        var timeout = Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException());
        var broken = Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ResponseEnded));

        Assert.True(SendResiliencePipeline.ShouldRetry(Outcome.FromResult(serverError), opted, TimeProvider.System));
        Assert.True(SendResiliencePipeline.ShouldRetry(timeout, opted, TimeProvider.System));
        Assert.True(SendResiliencePipeline.ShouldRetry(broken, opted, TimeProvider.System));
        Assert.False(SendResiliencePipeline.ShouldRetry(timeout, Defaults, TimeProvider.System));
        Assert.False(SendResiliencePipeline.ShouldRetry(broken, Defaults, TimeProvider.System));
    }

    [Fact]
    public void A_connection_that_never_opened_is_retried_a_bug_is_not()
    {
        var refused = Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError));
        var bug = Outcome.FromException<HttpResponseMessage>(new InvalidOperationException());

        Assert.True(SendResiliencePipeline.ShouldRetry(refused, Defaults, TimeProvider.System));
        Assert.False(SendResiliencePipeline.ShouldRetry(bug, Defaults, TimeProvider.System));
    }

    [Theory]
    [InlineData(5, true)] // within Sinch:MaxRetryDelay (10 s): waited for in-call
    [InlineData(60, false)] // longer: the caller is told to come back
    public void A_Retry_After_longer_than_we_wait_in_call_goes_back_to_the_caller(int seconds, bool retried)
    {
        using var answer = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(seconds)) } };

        Assert.Equal(retried, SendResiliencePipeline.ShouldRetry(Outcome.FromResult(answer), Defaults, TimeProvider.System));
    }

    [Fact]
    public void A_Retry_After_date_is_read_on_the_pipelines_clock()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        using var answer = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new(clock.GetUtcNow().AddSeconds(30)) } };

        Assert.False(SendResiliencePipeline.ShouldRetry(Outcome.FromResult(answer), Defaults, clock)); // 30 s away: past MaxRetryDelay
        clock.Advance(TimeSpan.FromSeconds(25));
        Assert.True(SendResiliencePipeline.ShouldRetry(Outcome.FromResult(answer), Defaults, clock)); // 5 s away now
    }

    [Fact]
    public void A_failure_may_have_reached_Sinch_only_if_the_request_was_on_the_wire_and_not_refused_at_connect()
    {
        var credentials = new SinchCredentials("p", "a", "k", "s");
        using var waiting = new SinchRequestMessage(HttpMethod.Post, new Uri("https://sinch.invalid/"), credentials);
        using var sent = new SinchRequestMessage(HttpMethod.Post, new Uri("https://sinch.invalid/"), credentials) { WasOnTheWire = true };
        using var answer = new HttpResponseMessage(HttpStatusCode.OK);

        Assert.False(SendResiliencePipeline.MayHaveReachedSinch(waiting, null, new TaskCanceledException()));
        Assert.False(SendResiliencePipeline.MayHaveReachedSinch(sent, null, new HttpRequestException(HttpRequestError.ConnectionError)));
        Assert.True(SendResiliencePipeline.MayHaveReachedSinch(sent, null, new TaskCanceledException()));
        Assert.True(SendResiliencePipeline.MayHaveReachedSinch(sent, null, new HttpRequestException(HttpRequestError.ResponseEnded)));
        Assert.True(SendResiliencePipeline.MayHaveReachedSinch(waiting, answer, new TaskCanceledException())); // the body stalled
    }

    [Fact]
    public void Every_network_failure_is_described_in_words_never_as_Unknown()
    {
        var descriptions = Enum.GetValues<HttpRequestError>()
            .Select(error => NetworkFailure.Describe(new HttpRequestException(error)))
            .Append(NetworkFailure.Describe(new HttpRequestException("x", new IOException())))
            .ToList();

        Assert.All(descriptions, d => Assert.DoesNotContain("Unknown", d, StringComparison.Ordinal));
        Assert.Contains("(IOException)", descriptions[^1], StringComparison.Ordinal);
        Assert.Equal("no connection could be opened (refused or unreachable)", NetworkFailure.Describe(new HttpRequestException(HttpRequestError.ConnectionError)));
    }
}
