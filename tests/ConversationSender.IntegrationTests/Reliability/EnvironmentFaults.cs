using System.Diagnostics;

namespace ConversationSender.IntegrationTests.Reliability;

/// <summary>
/// Token endpoint rate-limited, Key Vault down past the cache lifetime, Azurite restarted, Sinch down: each while sends
/// are under way.
/// </summary>
internal static class EnvironmentFaults
{
    public static async Task<List<string>> InjectAsync(SinchSandbox sinch, FakeKeyVaultServer vault, AzuriteProcess azurite, Task run, int messages)
    {
        var events = new List<string>();
        async Task<bool> WaitForDeliveriesAsync(int count)
        {
            while (sinch.Deliveries.Count < count && !run.IsCompleted)
            {
                await Task.Delay(50);
            }

            return !run.IsCompleted;
        }

        // Each outage lasts until the product has run into it a few times (at least its nominal length, at most 15 s),
        // so that a quiet moment cannot make a planned fault pass unnoticed.
        async Task<int> HoldUntilAsync(Func<int> count, int atLeast, TimeSpan minimum)
        {
            var held = Stopwatch.StartNew();
            var before = count();
            while ((held.Elapsed < minimum || count() - before < atLeast) && held.Elapsed < TimeSpan.FromSeconds(15) && !run.IsCompleted)
            {
                await Task.Delay(50);
            }

            return count() - before;
        }

        if (await WaitForDeliveriesAsync(messages * 15 / 100))
        {
            sinch.TokenEndpointRateLimited = true;
            var refused = await HoldUntilAsync(() => sinch.TokenRequests.Count, atLeast: 2, TimeSpan.FromSeconds(2));
            sinch.TokenEndpointRateLimited = false;
            events.Add($"token endpoint answered 429 ({refused} refused token requests)");
        }

        if (await WaitForDeliveriesAsync(messages * 35 / 100))
        {
            vault.FailWithStatus = 503;
            var failed = await HoldUntilAsync(() => vault.ReadsOf("sinch-key-secret"), atLeast: 3, TimeSpan.FromSeconds(3));
            vault.FailWithStatus = null;
            events.Add($"key vault answered 503 ({failed} failed reads)");
        }

        if (await WaitForDeliveriesAsync(messages * 55 / 100))
        {
            var stopped = Stopwatch.StartNew();
            await azurite.RestartAsync();
            events.Add($"azurite restarted ({stopped.Elapsed.TotalSeconds:F1} s down)");
        }

        // A Sinch outage (compressed: the back-off runs 200 ms … 2 s here): every send fails until a few hundred have.
        if (await WaitForDeliveriesAsync(messages * 70 / 100))
        {
            var plan = sinch.FaultPlan;
            var down = Stopwatch.StartNew();
            sinch.FaultPlan = () => SinchFault.Unavailable;
            var refused = await HoldUntilAsync(() => sinch.SendHistory.Count, atLeast: 200, TimeSpan.FromSeconds(3));
            sinch.FaultPlan = plan;
            events.Add($"sinch unavailable for {down.Elapsed.TotalSeconds:F1} s ({refused} refused sends)");
        }

        return events;
    }
}
