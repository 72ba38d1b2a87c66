using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConversationSender.RateLimiting;

/// <summary>
/// Runs <see cref="FleetShare"/>'s rebalance every <see cref="RateBudgetOptions.RateBudgetRebalanceInterval"/> while
/// the host runs, at once when a send waits with no rate at all, and gives the partitions back on shutdown.
/// </summary>
public sealed class FleetShareService(FleetShare share, SendBudget budget, IOptions<RateBudgetOptions> options, TimeProvider time) : BackgroundService
{
    private readonly SemaphoreSlim _starved = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        budget.Starved += OnStarved;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await share.RebalanceAsync(stoppingToken);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(options.Value.RateBudgetRebalanceInterval, time, wait.Token);
                await Task.WhenAny(delay, _starved.WaitAsync(wait.Token));
                await wait.CancelAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            budget.Starved -= OnStarved;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Others take the partitions now instead of when the leases run out (which they do anyway if this fails).
        try
        {
            await share.LeaveAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The store is unreachable: the leases run out on their own.
        }
    }

    public override void Dispose()
    {
        _starved.Dispose();
        base.Dispose();
    }

    private void OnStarved()
    {
        if (_starved.CurrentCount == 0)
        {
            try
            {
                _starved.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another waiter signalled first: one wake-up is enough.
            }
        }
    }
}
