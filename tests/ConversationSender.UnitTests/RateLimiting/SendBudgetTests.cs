using ConversationSender.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace ConversationSender.UnitTests.RateLimiting;

public sealed class SendBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Sends_at_its_ceiling_on_the_virtual_clock()
    {
        using var budget = new SendBudget(_time, 750, adaptive: false);
        budget.SetCeiling(50);

        var sent = 0;
        for (var step = 0; step < 1000; step++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            while (budget.TryAcquire(SendPriority.Backlog))
            {
                sent++;
            }
        }

        Assert.InRange(sent, 495, 505);
    }

    [Fact]
    public void Holds_nothing_without_a_share()
    {
        using var budget = new SendBudget(_time, 750, adaptive: false);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.False(budget.TryAcquire(SendPriority.Caller));
    }

    [Fact]
    public async Task A_waiting_caller_goes_before_a_waiting_backlog()
    {
        using var budget = new SendBudget(_time, 750, adaptive: false);
        budget.SetCeiling(1);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(budget.TryAcquire(SendPriority.Backlog));

        var backlog = budget.AcquireAsync(SendPriority.Backlog, CancellationToken.None).AsTask();
        var caller = budget.AcquireAsync(SendPriority.Caller, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await caller);
        Assert.False(backlog.IsCompleted);
        Assert.False(budget.TryAcquire(SendPriority.Backlog));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await backlog);
    }

    [Fact]
    public async Task A_cancelled_wait_gives_its_place_up()
    {
        using var budget = new SendBudget(_time, 750, adaptive: false);
        using var cancel = new CancellationTokenSource();
        var waiting = budget.AcquireAsync(SendPriority.Backlog, cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, budget.Waiting);
    }

    [Fact]
    public void A_429_cuts_the_rate_and_answers_without_429_grow_it_back_to_the_ceiling()
    {
        using var budget = new SendBudget(_time, 100, adaptive: true);
        budget.SetCeiling(100);
        for (var i = 0; i < 200; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            budget.Answered(throttled: false);
        }

        budget.Answered(throttled: true);
        Assert.InRange(budget.CurrentRate, 60, 75);

        for (var i = 0; i < 3000 && budget.CurrentRate < 100; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            budget.Answered(throttled: false);
        }

        Assert.Equal(100, budget.CurrentRate);
    }

    [Fact]
    public void A_burst_of_429s_from_one_congestion_event_cuts_once()
    {
        using var budget = new SendBudget(_time, 100, adaptive: true);
        budget.SetCeiling(100);
        for (var i = 0; i < 200; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            budget.Answered(throttled: false);
        }

        for (var i = 0; i < 50; i++)
        {
            budget.Answered(throttled: true);
        }

        Assert.InRange(budget.CurrentRate, 60, 75);
    }

    [Fact]
    public async Task The_priority_limiters_fit_the_RateLimiter_abstraction()
    {
        using var budget = new SendBudget(_time, 750, adaptive: false);
        budget.SetCeiling(10);
        _time.Advance(TimeSpan.FromMilliseconds(100));

        using var first = budget.Limiter(SendPriority.Caller).AttemptAcquire();
        using var refused = budget.Limiter(SendPriority.Caller).AttemptAcquire();
        var waiting = budget.Limiter(SendPriority.Caller).AcquireAsync().AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.True(first.IsAcquired);
        Assert.False(refused.IsAcquired);
        Assert.True((await waiting).IsAcquired);
    }
}
