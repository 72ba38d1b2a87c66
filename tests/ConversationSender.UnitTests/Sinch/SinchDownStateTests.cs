using System.Net;
using ConversationSender.RateLimiting;
using ConversationSender.Sending;
using ConversationSender.Sinch;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ConversationSender.UnitTests.Sinch;

/// <summary>
/// The send pipeline's circuit as the instance's one "Sinch is down" state: down while a break lasts, nothing reaches
/// Sinch then, one probe when the break is over, up again once the probe succeeds. And which failures say "down".
/// </summary>
public sealed class SinchDownStateTests : IDisposable
{
    private static readonly SinchCredentials Credentials = new("project", "app", "key", "secret");
    private readonly FakeTimeProvider _clock = new();
    private readonly AnsweringHandler _sinch = new();
    private readonly HttpClient _http;
    private readonly SendBudget _budget;
    private readonly SendResiliencePipeline _pipeline;

    public SinchDownStateTests()
    {
        var options = Options.Create(new SinchOptions
        {
            MaxRetries = 0,
            CircuitBreakerMinimumThroughput = 2,
            CircuitBreakerFailureRatio = 0.5,
            CircuitBreakerBreakDuration = TimeSpan.FromSeconds(15),
        });
        _http = new HttpClient(_sinch) { BaseAddress = new Uri("http://sinch.invalid/") };
        // A budget far above what the test sends, with a full bucket: the frozen clock never has to refill it.
        _budget = new SendBudget(_clock, 100_000, adaptive: false);
        _budget.Start(100_000);
        _pipeline = new SendResiliencePipeline(options, _budget, new ResilienceTime(_clock));
    }

    [Fact]
    public async Task Down_while_a_break_lasts_with_no_call_then_one_probe_and_up_once_it_succeeds()
    {
        _sinch.Status = HttpStatusCode.ServiceUnavailable;
        await SendAsync();
        Assert.False(_pipeline.SinchIsDown); // one failure: below the breaker's minimum
        await SendAsync();
        Assert.True(_pipeline.SinchIsDown);
        Assert.Equal(2, _sinch.Calls);

        // While the break lasts a send fails fast, without a call.
        var during = await SendAsync();
        Assert.IsType<Polly.CircuitBreaker.BrokenCircuitException>(during.Failure);
        Assert.Equal(2, _sinch.Calls);

        // The break is over: no longer "down", so the next send is the probe; it fails and a new break begins.
        _clock.Advance(TimeSpan.FromSeconds(15));
        Assert.False(_pipeline.SinchIsDown);
        await SendAsync();
        Assert.Equal(3, _sinch.Calls);
        Assert.True(_pipeline.SinchIsDown);

        // Sinch is back: the next probe closes the circuit, and sends flow.
        _sinch.Status = HttpStatusCode.OK;
        _clock.Advance(TimeSpan.FromSeconds(15));
        var probe = await SendAsync();
        Assert.Equal(HttpStatusCode.OK, probe.Answer?.StatusCode);
        Assert.False(_pipeline.SinchIsDown);
        await SendAsync();
        Assert.Equal(5, _sinch.Calls);
        Assert.False(_pipeline.SinchIsDown);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_failure_that_says_Sinch_is_down_reaches_the_outcome(bool down)
    {
        var outcome = FailureOutcome.From(new SinchUnavailableException("x", HttpStatusCode.ServiceUnavailable, null, null) { SinchIsDown = down }, "settings");

        Assert.Equal(down, Assert.IsType<SendOutcome.Transient>(outcome).SinchIsDown);
    }

    public void Dispose()
    {
        _http.Dispose();
        _budget.Dispose();
        _sinch.Dispose();
    }

    private async Task<SendAttemptResult> SendAsync()
    {
        var result = await _pipeline.SendAsync(_http, () => new SinchRequestMessage(HttpMethod.Post, new Uri("v1/projects/project/messages:send", UriKind.Relative), Credentials), SendPriority.Caller, CancellationToken.None);
        result.Answer?.Dispose();
        return result;
    }

    // Sinch in memory: answers every request with Status at once.
    private sealed class AnsweringHandler : HttpMessageHandler
    {
        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(new HttpResponseMessage(Status) { Content = new StringContent("{}") });
        }
    }
}
