using System.Diagnostics;
using ConversationSender.Sending;
using ConversationSender.Sinch;
using Microsoft.Extensions.DependencyInjection;

namespace ConversationSender.LoadHarness;

/// <summary>
/// The first send after start: four secrets, each read with 100 ms latency (concurrent reads take ~100 ms, serial
/// ~400), then the credential read alone on a fresh store, with JIT and connections already warm.
/// </summary>
internal sealed record FirstSend(TimeSpan Elapsed, SendOutcome Outcome, TimeSpan CredentialRead)
{
    public static async Task<FirstSend> MeasureAsync(SendRig rig)
    {
        var first = Stopwatch.StartNew();
        var outcome = await rig.SendService.SendAsync(rig.Body, CancellationToken.None);
        first.Stop();

        // ~100 ms if the four reads overlap.
        await using var fresh = rig.BuildProvider(rig.Configuration);
        var store = fresh.GetRequiredService<ISinchCredentialStore>();
        var read = Stopwatch.StartNew();
        await store.GetAsync(CancellationToken.None);
        return new FirstSend(first.Elapsed, outcome, read.Elapsed);
    }
}
