using System.Net;
using ConversationSender.Sending;
using ConversationSender.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.IntegrationTests.Reliability;

public sealed class ResiliencePolicyTests : IAsyncLifetime
{
    private const string Message = """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hello" }""";
    private SinchSandbox _sinch = null!;

    public async Task InitializeAsync() => _sinch = await SinchSandbox.StartAsync();

    public async Task DisposeAsync() => await _sinch.DisposeAsync();

    [Fact]
    public async Task Ambiguous_failures_are_marked_and_not_retried_by_default()
    {
        await using var host = SenderHost.Create(SenderHost.SettingsFor(_sinch));
        _sinch.Script(FakeResponse.SinchError(500, "INTERNAL", "boom"));

        var transient = Assert.IsType<SendOutcome.Transient>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        Assert.True(transient.MayHaveBeenSent);
        Assert.Single(_sinch.SendRequests);
        Assert.Contains(host.Logs.Lines, l => l.Contains("may duplicate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rate_limits_are_not_ambiguous()
    {
        await using var host = SenderHost.Create(new(SenderHost.SettingsFor(_sinch)) { ["Sinch:MaxRetries"] = "0" });
        _sinch.Script(FakeResponse.RateLimited(null));

        var transient = Assert.IsType<SendOutcome.Transient>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        Assert.False(transient.MayHaveBeenSent);
    }

    [Fact]
    public async Task Time_spent_waiting_for_the_rate_budget_is_not_ambiguous_but_a_stalled_answer_is()
    {
        // A static share of one send per 5 s (budget 1/s over 5 instances), 1 s for the whole send: the send waits for
        // the budget until its time runs out, never on the wire. Another host, at the suite's rate, stalls on the wire.
        var slow = new Dictionary<string, string?>(SenderHost.SettingsFor(_sinch)) { ["Sinch:RequestsPerSecondBudget"] = "1", ["Sinch:RateBudgetMaxInstances"] = "5", ["Sinch:AttemptTimeout"] = "00:00:01", ["Sinch:TotalTimeout"] = "00:00:01" };
        await using var starved = SenderHost.Create(slow);
        await using var host = SenderHost.Create(new(SenderHost.SettingsFor(_sinch)) { ["Sinch:AttemptTimeout"] = "00:00:01", ["Sinch:TotalTimeout"] = "00:00:01" });

        // The starved host's bucket starts full (one token): that send goes; the next one finds it empty.
        Assert.IsType<SendOutcome.Accepted>(await starved.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        _sinch.Script(FakeResponse.Slow(TimeSpan.FromSeconds(3)));

        var stalled = Assert.IsType<SendOutcome.Transient>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        var waited = Assert.IsType<SendOutcome.Transient>(await starved.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        Assert.True(stalled.MayHaveBeenSent);
        Assert.False(waited.MayHaveBeenSent, waited.Reason);
        Assert.Contains("not sent", waited.Reason, StringComparison.Ordinal);
        Assert.Equal(2, _sinch.SendRequests.Count); // the starved host's first send and the stalled one; none while waiting
    }

    [Fact]
    public async Task An_answer_whose_body_stalls_past_the_timeout_came_from_Sinch_so_the_message_may_have_been_sent()
    {
        // Sinch took the message and sent its status line; the body (the message id) never came within the attempt.
        await using var host = SenderHost.Create(new(SenderHost.SettingsFor(_sinch)) { ["Sinch:AttemptTimeout"] = "00:00:01", ["Sinch:TotalTimeout"] = "00:00:01" });
        _sinch.Script(FakeResponse.AcceptedThenStalled(TimeSpan.FromSeconds(5)));

        var stalled = Assert.IsType<SendOutcome.Transient>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        Assert.True(stalled.MayHaveBeenSent, stalled.Reason);
        Assert.Single(_sinch.SendRequests);
        Assert.Single(_sinch.Deliveries); // Sinch has it: a blind resend would deliver it twice
    }

    [Fact]
    public async Task Retrying_ambiguous_failures_is_an_explicit_choice()
    {
        await using var host = SenderHost.Create(new(SenderHost.SettingsFor(_sinch)) { ["Sinch:RetryAmbiguousFailures"] = "true", ["Sinch:AttemptTimeout"] = "00:00:02" });
        _sinch.Script(FakeResponse.SinchError(500, "INTERNAL", "boom"), FakeResponse.Slow(TimeSpan.FromSeconds(5)));

        Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        Assert.Equal(3, _sinch.SendRequests.Count); // 500, timed out after 2 s, then accepted
    }

    [Fact]
    public async Task An_open_circuit_fails_fast_without_calling_sinch()
    {
        await using var host = SenderHost.Create(BreakerSettings());
        _sinch.DefaultSendResponse = FakeResponse.SinchError(500, "INTERNAL", "boom");
        var service = host.Get<SendService>();

        for (var i = 0; i < 4; i++)
        {
            await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);
        }

        var sendsBefore = _sinch.SendRequests.Count;
        var outcome = Assert.IsType<SendOutcome.Transient>(await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        Assert.Contains("circuit open", outcome.Reason);
        Assert.False(outcome.MayHaveBeenSent);
        Assert.Equal(sendsBefore, _sinch.SendRequests.Count);
    }

    [Fact]
    public async Task The_circuit_counts_successful_sends_too_so_a_minority_of_failures_keeps_it_closed()
    {
        // Sends that succeed at once skip the retry pipeline; the breaker must still count them, or four failures among
        // sixteen sends (25 %, under the 50 % that opens it) would read as four out of four and open the circuit.
        await using var host = SenderHost.Create(BreakerSettings());
        var failure = FakeResponse.SinchError(500, "INTERNAL", "boom");
        var success = FakeResponse.Slow(TimeSpan.Zero);
        _sinch.Script([.. Enumerable.Range(0, 16).Select(i => i % 4 == 0 ? failure : success)]);

        var outcomes = await SendWithoutFindingTheCircuitOpenAsync(host.Get<SendService>(), 17);

        Assert.Equal(17, _sinch.SendRequests.Count);
        Assert.Equal(13, outcomes.Count(o => o is SendOutcome.Accepted));
    }

    // Sends one message after another; none may find the circuit open.
    private static async Task<List<SendOutcome>> SendWithoutFindingTheCircuitOpenAsync(SendService service, int count)
    {
        var outcomes = new List<SendOutcome>();
        for (var i = 0; i < count; i++)
        {
            outcomes.Add(await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        }

        Assert.DoesNotContain(outcomes, o => o is SendOutcome.Transient { Reason: var reason } && reason.Contains("circuit open", StringComparison.Ordinal));
        return outcomes;
    }

    [Fact]
    public async Task Successes_older_than_the_breakers_sampling_window_no_longer_keep_it_closed()
    {
        // Twelve successes, then the pipeline's clock moves past the 30 s window: the four failures that follow are
        // four of four, and the circuit opens (counting the old successes would make them 4 of 16 and keep it closed).
        var pipelineClock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var host = SenderHost.Create(BreakerSettings(), s => s.AddSingleton(new ConversationSender.Sinch.ResilienceTime(pipelineClock)));
        var service = host.Get<SendService>();
        for (var i = 0; i < 12; i++)
        {
            Assert.IsType<SendOutcome.Accepted>(await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None));
        }

        pipelineClock.Advance(TimeSpan.FromSeconds(31));
        _sinch.DefaultSendResponse = FakeResponse.SinchError(500, "INTERNAL", "boom");
        for (var i = 0; i < 4; i++)
        {
            await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None);
        }

        var sendsBefore = _sinch.SendRequests.Count;
        var outcome = Assert.IsType<SendOutcome.Transient>(await service.SendAsync(BinaryData.FromString(Message), CancellationToken.None));

        Assert.Contains("circuit open", outcome.Reason);
        Assert.Equal(sendsBefore, _sinch.SendRequests.Count);
    }

    [Fact]
    public async Task A_first_attempt_answered_503_is_retried_after_its_Retry_After_within_one_send()
    {
        var pipelineClock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var settings = SenderHost.SettingsFor(_sinch);
        settings["Sinch:MaxRetries"] = "2";
        settings["Sinch:MaxRetryDelay"] = "00:00:05";
        settings["Sinch:RetryBaseDelay"] = "00:00:00"; // only Retry-After can explain a wait
        await using var host = SenderHost.Create(settings, s => s.AddSingleton(new ConversationSender.Sinch.ResilienceTime(pipelineClock)));
        _sinch.Script(FakeResponse.Unavailable(retryAfterSeconds: 1));

        var send = host.Get<SendService>().SendAsync(BinaryData.FromString(Message), CancellationToken.None);
        await Eventually.UntilAsync(() => _sinch.SendRequests.Count, n => n == 1, "the first attempt");

        // The pipeline's clock moves in steps until the retry arrives: it may not come before the 1 s Sinch asked for.
        var advanced = await pipelineClock.AdvanceUntilAsync(() => _sinch.SendRequests.Count >= 2, TimeSpan.FromSeconds(5));

        Assert.IsType<SendOutcome.Accepted>(await send);
        Assert.Equal(2, _sinch.SendRequests.Count);
        Assert.True(advanced >= TimeSpan.FromSeconds(1), $"retried after {advanced.TotalMilliseconds} ms of the pipeline's time, before the 1 s Sinch asked for");
    }

    // No retries, and a circuit that may open after four sends: each send is one attempt the breaker counts.
    private Dictionary<string, string?> BreakerSettings()
    {
        var settings = SenderHost.SettingsFor(_sinch);
        settings["Sinch:MaxRetries"] = "0";
        settings["Sinch:CircuitBreakerMinimumThroughput"] = "4";
        settings["Sinch:CircuitBreakerBreakDuration"] = "00:00:30";
        return settings;
    }

    [Fact]
    public async Task Every_log_line_of_a_send_carries_the_correlation_id_and_identities_are_masked()
    {
        await using var host = SenderHost.Create(SenderHost.SettingsFor(_sinch));
        var message = """{ "to": { "channel": "SMS", "identity": "+46701234567" }, "text": "hello", "correlation_id": "order-77" }""";

        var accepted = Assert.IsType<SendOutcome.Accepted>(await host.Get<SendService>().SendAsync(BinaryData.FromString(message), CancellationToken.None));

        var lines = host.Logs.Entries.Where(e => e.Category.StartsWith("ConversationSender.Sending.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        Expect.All(lines, l => Assert.Equal("order-77", l.Scope["CorrelationId"]));
        Assert.Contains(lines, l => l.Message.Contains("SMS +4670*****67", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Message.Contains(accepted.MessageId!, StringComparison.Ordinal));
        Assert.DoesNotContain("+46701234567", string.Join("\n", host.Logs.Lines));
    }
}
